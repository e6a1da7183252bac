from django.urls import path

from . import views

app_name = "outcomes"

urlpatterns = [
    path("<int:year>/outcomes/", views.DocumentListView.as_view(), name="document-list"),
    path(
        "<int:year>/outcomes/<slug:slug>/",
        views.DocumentDetailView.as_view(),
        name="document-detail",
    ),
    path("<int:year>/achievements/", views.AchievementListView.as_view(), name="achievement-list"),
    path(
        "<int:year>/achievements/<slug:slug>/",
        views.AchievementDetailView.as_view(),
        name="achievement-detail",
    ),
    path("<int:year>/press/", views.PressEvaluationListView.as_view(), name="press-list"),
]
