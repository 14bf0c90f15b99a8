from django.contrib import admin

from casedesk.core.admin_audit import AuditedAdmin

from .models import Article, ProductLifecycle


@admin.register(Article)
class ArticleAdmin(AuditedAdmin):
    """Articles change only through their operations (versions, four eyes): the admin reads."""

    list_display = ["title", "status", "visibility", "product", "author", "reviewer", "updated_at"]
    list_filter = ["status", "visibility"]
    search_fields = ["title"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProductLifecycle)
class ProductLifecycleAdmin(AuditedAdmin):
    """The end of life of products' versions: articles about them are flagged stale."""

    list_display = ["product", "version", "eol_on"]
    search_fields = ["product", "version"]
    ordering = ["product", "version"]
