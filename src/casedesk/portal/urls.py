from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("preferences/", views.preferences, name="preferences"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/<str:number>/", views.case_detail, name="case"),
    path("cases/<str:number>/add/", views.case_add_information, name="case_add"),
    path("cases/<str:number>/confirm/", views.case_confirm, name="case_confirm"),
    path("cases/<str:number>/reopen/", views.case_reopen, name="case_reopen"),
    # Staff and customers alike download a CASE's files here (permission-checked).
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
]
