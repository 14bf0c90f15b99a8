from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views
from .policy import KnowledgeAction

app_name = "knowledge"

urlpatterns = [
    path("knowledge/", views.article_list, name="article_list"),
    path("knowledge/new/", views.article_new, name="article_new"),
    path("knowledge/<int:pk>/", views.article_page, name="article_page"),
    path("knowledge/<int:pk>/edit/", views.article_edit, name="article_edit"),
    path("knowledge/<int:pk>/files/", views.article_attach, name="article_attach"),
    path("knowledge/<int:pk>/files/<int:file_pk>/", views.article_file, name="article_file"),
    path(
        "knowledge/<int:pk>/files/<int:file_pk>/view/",
        views.article_file_view,
        name="article_file_view",
    ),
    path(
        "knowledge/<int:pk>/files/<int:file_pk>/remove/",
        views.article_file_remove,
        name="article_file_remove",
    ),
    path("knowledge/<int:pk>/submit/", views.article_submit, name="article_submit"),
    path("knowledge/<int:pk>/publish/", views.article_publish, name="article_publish"),
    path("knowledge/<int:pk>/retire/", views.article_retire, name="article_retire"),
    path("knowledge/<int:pk>/confirm/", views.article_confirm, name="article_confirm"),
    path("knowledge/suggest/", views.suggest, name="suggest"),
    path("cases/<str:number>/article/", views.draft_from_case, name="draft_from_case"),
    path("cases/<str:number>/solved-by/", views.case_link_article, name="case_link"),
    path("portal/faq/", views.portal_faq, name="portal_faq"),
    path("portal/faq/<int:pk>/", views.portal_article, name="portal_article"),
    path("portal/faq/<int:pk>/files/<int:file_pk>/", views.portal_file, name="portal_file"),
    path("portal/faq/<int:pk>/solved/", views.portal_solved, name="portal_solved"),
    path("portal/faq/suggest/", views.portal_suggest, name="portal_suggest"),
]

# The console's menu: (URL name, label, the action that shows the link).
MENU = [("knowledge:article_list", _("Knowledge"), KnowledgeAction.VIEW)]
# The portal's menu, likewise.
PORTAL_MENU = [("knowledge:portal_faq", _("FAQ"), KnowledgeAction.VIEW)]
