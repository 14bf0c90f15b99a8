"""``AuditedAdmin``: a ModelAdmin whose saves and deletes go through the services.

Every model admin of the apps mixes it in, so an edit in the Django admin writes its audit
record like any other change (``core.services.object_save``/``object_delete``), with the
admin user as actor and before/after of the fields (and many-to-many fields) it changed.

Django saves a form in two steps, ``save_model`` then ``save_related`` (many-to-many
fields and inlines); the object is saved in the second step, in one operation with its
related rows, so one admin save is one audit record.  Inline rows are saved and deleted
one by one through the same services (each with its own record).
"""

from __future__ import annotations

from django.contrib import admin

from . import services


class AuditedAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        # Saved in save_related, which Django calls next, with the related rows.
        obj._audited_admin_pending = True

    def save_related(self, request, form, formsets, change):
        obj = form.instance
        parent = super()

        def related() -> None:
            parent.save_related(request, form, formsets, change)

        if getattr(obj, "_audited_admin_pending", False):
            del obj._audited_admin_pending
            services.object_save(obj, by=request.user, related=related)
        else:
            related()

    def save_formset(self, request, form, formset, change):
        formset.save(commit=False)
        for gone in formset.deleted_objects:
            services.object_delete(gone, by=request.user)
        for row in formset.saved_forms:
            services.object_save(row.instance, by=request.user, related=row.save_m2m)

    def delete_model(self, request, obj):
        services.object_delete(obj, by=request.user)

    def delete_queryset(self, request, queryset):
        services.objects_delete(queryset, by=request.user)
