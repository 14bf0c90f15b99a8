from ninja import NinjaAPI

from . import accounts, cases, errors
from .auth import AUTH

api = NinjaAPI(
    title="casedesk API",
    version="1",
    description="The CASE tracking system's REST API.  Authenticate with `Authorization: Bearer <token>`.",
    auth=AUTH,
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)
api.add_router("/", accounts.router)
api.add_router("/cases", cases.router)
