from django.utils.translation import gettext as _
from ninja import NinjaAPI, Router

from casedesk.core import discovery
from casedesk.core.errors import NotFound

from . import accounts, cases, errors, guards, intake, routing, webhooks
from .auth import AUTH


class DeskAPI(NinjaAPI):
    """Names a domain's own operations as it names this package's: the function
    ``list_toys`` of ``casedesk/toys/api.py`` is ``casedesk_api_toys_list_toys``, like
    ``create_case`` of ``casedesk/api/cases.py`` is ``casedesk_api_cases_create_case``."""

    def get_openapi_operation_id(self, operation) -> str:
        module = operation.view_func.__module__.split(".")
        if len(module) == 3 and module[0] == "casedesk" and module[2] == "api":
            module = ["casedesk", "api", module[1]]
        return "_".join([*module, operation.view_func.__name__])


api = DeskAPI(
    title="casedesk API",
    version="1",
    description=(
        "The CASE tracking system's REST API.  Authenticate with `Authorization: Bearer <token>`."
        '  Errors are `{"detail": "…"}` in English; send `Accept-Language: zh-hans` (or'
        " `zh-CN`) for Chinese."
    ),
    auth=AUTH,
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)
api.add_decorator(guards.reject_nul, mode="operation")
api.add_router("/", accounts.router)
api.add_router("/cases", cases.router)
api.add_router("/cases", routing.router)
api.add_router("/webhooks", webhooks.router)
api.add_router("/intake", intake.router)
# Each domain's own API (``casedesk/<app>/api.py``: its ``router``, served under its ``MOUNT``).
for domain in discovery.app_modules("api"):
    api.add_router(domain.MOUNT, domain.router)

# Last: any other path under /api/v1 is a JSON 404 like every other error, not an HTML page.
fallback = Router()


@fallback.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", auth=None, include_in_schema=False
)
def no_such_endpoint(request, rest: str):
    raise NotFound(_("No such endpoint."))


api.add_router("/", fallback)
