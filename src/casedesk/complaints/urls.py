from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views
from .policy import ComplaintAction

app_name = "complaints"

urlpatterns = [
    path("complaints/", views.complaint_list, name="complaint_list"),
    path("complaints/new/", views.complaint_new, name="complaint_new"),
    path("complaints/report/", views.complaint_report, name="complaint_report"),
    path("complaints/<str:number>/", views.complaint_detail, name="complaint_detail"),
    path("complaints/<str:number>/<str:step>/", views.complaint_step, name="complaint_step"),
    path("portal/complaint/", views.portal_complaint, name="portal_complaint"),
]

MENU = [("complaints:complaint_list", _("Complaints"), ComplaintAction.VIEW)]
PORTAL_MENU = [("complaints:portal_complaint", _("Make a complaint"), ComplaintAction.FILE)]
