from django.urls import path

from . import views

app_name = "replies"

urlpatterns = [
    path("cases/<str:number>/reply/", views.case_reply, name="case_reply"),
]
