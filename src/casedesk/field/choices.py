from django.db import models
from django.utils.translation import gettext_lazy as _


class VisitStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    ON_SITE = "on_site", _("On site")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


# The system notes each step writes on the CASE (worded in ``presenters``).
SCHEDULED = "visit_scheduled"
CHECKED_IN = "visit_checked_in"
CHECKED_OUT = "visit_checked_out"
CORRECTED = "visit_form_corrected"
CANCELLED = "visit_cancelled"
