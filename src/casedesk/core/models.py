"""The audit trail: one hash-chained record per state change of any domain object."""

from __future__ import annotations

import json

from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AuditRecord(models.Model):
    """Who changed what object, when, from what to what, and why.

    ``data`` is canonical JSON (sorted keys, no spaces): the exact text the hash covers, so
    no database's JSON normalisation can change what was sealed.  A record is written by
    its operation and *sealed* at the operation's end, in the same transaction: it gets its
    place in the chain (``seq``: 1, 2, 3 … without gaps), ``prev_hash`` (the hash of the
    record before it) and ``hash`` = SHA-256 of ``prev_hash:seq:digest``, where the digest
    is the SHA-256 of every other column (``core.audit.seal``).
    """

    # The chain position: 1 (the genesis record), 2, 3 … with no gaps, set when sealed.
    seq = models.BigIntegerField(_("number"), unique=True, null=True, blank=True)
    at = models.DateTimeField(_("at"), db_index=True)
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True)
    actor = models.CharField(_("actor"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    data = models.TextField(_("changes"), default="{}")
    reason = models.TextField(_("reason"), blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True)
    hash = models.CharField(_("hash"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        ordering = ("seq",)
        indexes = [models.Index(fields=("object_type", "object_id", "id"))]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    @property
    def changes(self) -> dict:
        return json.loads(self.data)


class AuditHead(models.Model):
    """The chain's last link (one row).  Appending locks it, so links never fork; verify
    compares it with the last record, so truncating the chain's tail is seen too."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField()
    last_hash = models.CharField(max_length=64)
    # The hash of the record before the last one (PostgreSQL's one-statement seal returns it
    # as the new record's previous hash).
    prev_hash = models.CharField(max_length=64, blank=True, default="")
    count = models.BigIntegerField()

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"{self.last_seq}:{self.last_hash}"
