from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from casedesk.core import clock
from casedesk.core.admin_audit import AuditedAdmin

from . import services
from .choices import ASSIGNABLE_ROLES
from .models import ApiToken, Contact, Organization, Skill, StaffProfile, User


def _assignable_users():
    return User.objects.filter(role__in=ASSIGNABLE_ROLES).order_by("username")


# Django stores the names of the permissions it makes for each model in English ("Can add
# CASE"): the permission pickers word them from the model's translated name instead.
_ACTIONS = {
    "add": _("Can add %(model)s"),
    "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"),
    "view": _("Can view %(model)s"),
}


def permission_label(permission: Permission) -> str:
    """``应用 | 模型 | 可以添加 模型``: a permission in the reader's language."""
    model = permission.content_type.model_class()
    action = permission.codename.split("_", 1)[0]
    if model is not None and permission.codename == f"{action}_{model._meta.model_name}":
        name = _ACTIONS[action] % {"model": model._meta.verbose_name} if action in _ACTIONS else ""
    else:
        name = ""
    return f"{permission.content_type} | {name or gettext(permission.name)}"


def _with_permission_labels(field, db_field):
    if field is not None and db_field.related_model is Permission:
        field.label_from_instance = permission_label
    return field


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["name", "phone", "email", "address"]
    readonly_fields: list[str] = []
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Organization)
class OrganizationAdmin(AuditedAdmin):
    list_display = ["code", "name", "service_level", "phone", "is_active"]
    list_filter = ["service_level", "is_active"]
    search_fields = ["code", "name"]
    readonly_fields = ["created_at"]
    inlines = [ContactInline]
    filter_horizontal = ["project_engineers"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "preferred_engineer":
            kwargs["queryset"] = _assignable_users()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "project_engineers":
            kwargs["queryset"] = _assignable_users()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change and obj.created_at is None:
            obj.created_at = clock.now()
        super().save_model(request, obj, form, change)


@admin.register(Contact)
class ContactAdmin(AuditedAdmin):
    list_display = ["name", "organization", "phone", "email"]
    list_filter = ["organization__service_level"]
    search_fields = ["name", "phone", "email", "organization__code", "organization__name"]
    autocomplete_fields = ["organization"]
    readonly_fields = ["created_at"]

    def save_model(self, request, obj, form, change):
        if not change and obj.created_at is None:
            obj.created_at = clock.now()
        super().save_model(request, obj, form, change)


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    fk_name = "user"
    can_delete = False
    filter_horizontal = ["skills"]
    autocomplete_fields = ["manager"]


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    list_display = ["username", "email", "role", "organization", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "email", "first_name", "last_name"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (
            _("Service desk"),
            {"fields": ["role", "organization", "contact", "language", "time_zone"]},
        ),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Service desk"), {"fields": ["role", "organization", "email"]}),
    )
    autocomplete_fields = ["organization", "contact"]
    inlines = [StaffProfileInline]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        return _with_permission_labels(field, db_field)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(AuditedAdmin, DjangoGroupAdmin):
    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        return _with_permission_labels(field, db_field)


@admin.register(Skill)
class SkillAdmin(AuditedAdmin):
    list_display = ["code", "name", "keywords"]
    search_fields = ["code", "name", "keywords"]


@admin.register(StaffProfile)
class StaffProfileAdmin(AuditedAdmin):
    list_display = ["user", "tier", "phone", "manager", "capacity"]
    list_filter = ["tier", "skills"]
    search_fields = ["user__username", "phone"]
    filter_horizontal = ["skills"]
    autocomplete_fields = ["user", "manager"]


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdmin):
    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["user__username", "name", "prefix"]
    readonly_fields = ["user", "prefix", "created_at", "last_used_at", "revoked_at"]
    fields = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # tokens are shown once, so they are made by `casedesk createtoken`

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset:
            services.token_revoke(token=token, by=request.user)
        self.message_user(request, _("Tokens revoked."), messages.SUCCESS)
