from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running the system: the server and worker processes."""

    name = "casedesk.ops"
    label = "ops"
