"""The admin for administrators only, without a redirect loop for everybody else.

Django's admin sends anyone without admin rights to its login page; casedesk's login
sends a logged-in user straight back to ``next``, the admin: a loop for a logged-in member
of staff who is not an administrator (or a customer).  Here a logged-in user without
admin rights gets the desk's 403 page with a way back to their own home; anonymous
visitors still go to the login.
"""

from __future__ import annotations

from functools import update_wrapper

from django.contrib import admin
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from .guards import forbidden


def admin_refusal(request):
    return forbidden(request, _("The administration pages are for administrators."))


class DeskAdminSite(admin.AdminSite):
    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def wrapper(request, *args, **kwargs):
            if request.user.is_authenticated and not self.has_permission(request):
                return admin_refusal(request)
            return inner(request, *args, **kwargs)

        return update_wrapper(never_cache(wrapper), inner)
