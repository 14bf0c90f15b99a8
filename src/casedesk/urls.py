from django.contrib import admin
from django.urls import path

from casedesk.api.urls import api
from casedesk.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
