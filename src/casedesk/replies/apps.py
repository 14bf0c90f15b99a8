from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepliesConfig(AppConfig):
    name = "casedesk.replies"
    label = "replies"
    verbose_name = _("Replies to customers")

    def ready(self):
        # Who may reply, how a reply reads in the history, and the acknowledgement of
        # every new CASE.
        from . import events, policy, presenters  # noqa: F401
