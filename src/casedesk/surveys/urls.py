from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views
from .policy import SurveyAction

app_name = "surveys"

urlpatterns = [
    # The caller's page: no login, the token is the permission.
    path("survey/<str:token>/", views.answer, name="answer"),
    path("surveys/", views.results, name="results"),
]

MENU = [("surveys:results", _("Satisfaction"), SurveyAction.RESULTS)]
