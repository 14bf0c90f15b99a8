from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "casedesk.web"
    label = "web"
