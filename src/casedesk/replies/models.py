"""Reply templates: the answers the desk writes often, picked in the CASE page's composer."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReplyTemplate(models.Model):
    """A reply's starting text.  ``body`` may name ``{number}``, ``{title}``,
    ``{engineer}``, ``{contact}`` and ``{organization}``, filled in for the CASE when the
    composer offers it; anything else in braces stays as written."""

    name = models.CharField(_("name"), max_length=100)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    body = models.TextField(
        _("body"),
        help_text=_("Placeholders: {number}, {title}, {engineer}, {contact}, {organization}."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["language", "name", "id"]
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")
        constraints = [
            models.UniqueConstraint(fields=["name", "language"], name="replytemplate_name_language")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.language})"
