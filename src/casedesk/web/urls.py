from django.urls import path

from casedesk.reports import views as dashboard_views

from . import (
    case_actions,
    case_assign,
    case_files,
    case_new,
    case_page,
    mail_views,
    views,
)

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("language/", views.set_language, name="language"),
    path("preferences/", views.preferences, name="preferences"),
    path("board/", views.board, name="board"),
    path("mine/", views.my_cases, name="my_cases"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/new/", case_new.case_new, name="case_new"),
    path("cases/new/lookup/", case_new.contact_lookup, name="contact_lookup"),
    path("cases/<str:number>/", case_page.case_detail, name="case_detail"),
    path("cases/<str:number>/assign/", case_assign.case_assign, name="case_assign"),
    path("cases/<str:number>/phoned/", case_actions.case_phoned, name="case_phoned"),
    path("cases/<str:number>/do/<str:action>/", case_actions.case_action, name="case_action"),
    path("cases/<str:number>/files/", case_actions.case_attach, name="case_attach"),
    path("cases/<str:number>/files/<int:pk>/", case_files.case_file, name="case_file"),
    path(
        "cases/<str:number>/files/<int:pk>/view/", case_files.case_file_view, name="case_file_view"
    ),
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("dashboard/export/<str:table>.<str:fmt>", dashboard_views.export, name="dashboard_export"),
    path("mail/", mail_views.mail_quarantine, name="mail_quarantine"),
    path("mail/<int:pk>/rerun/", mail_views.mail_rerun, name="mail_rerun"),
    path("mail/<int:pk>/raw/", mail_views.mail_raw, name="mail_raw"),
    path("fax/new/", mail_views.fax_new, name="fax_new"),
    path("filters/", views.filter_save, name="filter_save"),
    path("filters/<int:pk>/delete/", views.filter_delete, name="filter_delete"),
]
