from django.urls import path

from . import views
from .feeds import MilestoneFeed

app_name = "events"

urlpatterns = [
    path("", views.CurrentEditionHomeView.as_view(), name="home"),
    path("editions/", views.EditionListView.as_view(), name="edition-list"),
    path("<int:year>/", views.EditionHomeView.as_view(), name="edition-home"),
    path("<int:year>/about/", views.AboutView.as_view(), name="about"),
    path("<int:year>/news/", views.NewsView.as_view(), name="news"),
    path("<int:year>/news/feed/", MilestoneFeed(), name="news-feed"),
    path("<int:year>/agenda/", views.AgendaView.as_view(), name="agenda"),
    path("<int:year>/agenda.ics", views.AgendaCalendarView.as_view(), name="agenda-ics"),
    path(
        "<int:year>/agenda/<slug:slug>/", views.SessionDetailView.as_view(), name="session-detail"
    ),
]
