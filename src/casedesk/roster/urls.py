from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views
from .policy import RosterAction

app_name = "roster"

urlpatterns = [
    path("roster/", views.calendar, name="calendar"),
    path("roster/plan/", views.rotation_plan, name="plan"),
    path("roster/rotations/new/", views.rotation_new, name="rotation_new"),
    path("roster/shifts/<int:pk>/", views.shift_page, name="shift_page"),
    path("roster/shifts/<int:pk>/cover/", views.shift_cover, name="shift_cover"),
    path("roster/shifts/<int:pk>/swap/", views.shift_swap, name="shift_swap"),
    path("roster/feed/<str:token>.ics", views.feed, name="feed"),
]

MENU = [("roster:calendar", _("Duty roster"), RosterAction.VIEW)]
