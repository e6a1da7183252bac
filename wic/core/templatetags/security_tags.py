"""{% load security_tags %}{% login_throttling as throttling %}: the login limits
(throttling.failure_limit, throttling.minutes) for the admin's login page."""

from django import template

from wic.core.security import throttling

register = template.Library()


@register.simple_tag
def login_throttling():
    return throttling()
