from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from casedesk.api.urls import api
from casedesk.core import discovery
from casedesk.web import views as web_views

admin.site.site_header = admin.site.site_title = _("casedesk administration")

MOUNTED = ("web", "portal")  # the console's and the portal's own URLconfs, included below

urlpatterns = [
    path("healthz", web_views.healthz, name="healthz"),
    # One login for everybody, throttled: the admin's own login form would bypass it.
    path("admin/login/", web_views.admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("portal/", include("casedesk.portal.urls")),
    path("", include("casedesk.web.urls")),
]
# Each domain's own pages (``casedesk/<app>/urls.py``, its ``app_name`` its label): console
# pages under their own first segment ("toys/…"), portal pages under "portal/<app>/…".
urlpatterns += [path("", include(urls)) for urls in discovery.app_modules("urls", exclude=MOUNTED)]

# Refusals and unknown addresses in the desk's look and the reader's language.
handler403 = "casedesk.web.errors.permission_denied"
handler404 = "casedesk.web.errors.page_not_found"
