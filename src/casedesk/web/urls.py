from django.urls import path

from . import views

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
    path("filters/", views.filter_save, name="filter_save"),
    path("filters/<int:pk>/delete/", views.filter_delete, name="filter_delete"),
]
