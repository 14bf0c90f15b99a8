"""Two sentences the mail gateway stored in one language become data, worded when read.

- A mail without a subject opened a CASE titled "(no subject)" or "（无主题）": the CASE
  (and its opening event) keeps no title; every page words it in its reader's language
  (``cases.presenters.shown_title``).
- A text longer than a CASE holds ended in "[… shortened: …]" or "[……内容已截短：…]": the
  text now ends in "…" and its event carries the system note ``{"code": "mail_shortened"}``
  (``mailgate.presenters``): a CASE's description (on its opening event), a note (and its
  work log) or a reopening's reason.

The search index keeps the old words until ``casedesk reindex``; the audit records keep
what was written then (history is not rewritten).
"""

from django.db import migrations

NO_SUBJECT = ("(no subject)", "（无主题）")
SHORTENED = (
    "\n\n[… shortened: the whole message is kept with the CASE's e-mail]",
    "\n\n[……内容已截短：完整邮件随 CASE 的邮件一并保存]",
)
NOTE = {"code": "mail_shortened"}


def _unshortened(text):
    """The text without the stored sentence, ending in "…"; None if it has none."""
    if not isinstance(text, str):
        return None
    for sentence in SHORTENED:
        if text.endswith(sentence):
            return text[: -len(sentence)].rstrip() + "…"
    return None


def _opened(CaseEvent, case_id):
    return CaseEvent.objects.filter(case_id=case_id, kind="opened").order_by("at", "id").first()


def convert(Case, CaseEvent, WorkLog) -> int:
    """Rewrite the CASEs, events and work logs holding either sentence; how many rows."""
    changed = 0
    for case in Case.objects.filter(channel="email", title__in=NO_SUBJECT).only("id", "title"):
        Case.objects.filter(pk=case.pk).update(title="")
        event = _opened(CaseEvent, case.pk)
        if event is not None and (event.data or {}).get("title") in NO_SUBJECT:
            event.data = {**event.data, "title": ""}
            event.save(update_fields=["data"])
        changed += 1
    for sentence in SHORTENED:
        for case in Case.objects.filter(description__endswith=sentence).only("id", "description"):
            Case.objects.filter(pk=case.pk).update(description=_unshortened(case.description))
            event = _opened(CaseEvent, case.pk)
            if event is not None and "system" not in (event.data or {}):
                event.data = {**(event.data or {}), "system": NOTE}
                event.save(update_fields=["data"])
            changed += 1
        for key, kind in (("note", "work_logged"), ("reason", "reopened")):
            found = CaseEvent.objects.filter(kind=kind, **{f"data__{key}__endswith": sentence})
            for event in found:
                text = _unshortened(event.data.get(key))
                if text is None:
                    continue
                event.data = {**event.data, key: text, "system": NOTE}
                event.save(update_fields=["data"])
                if kind == "work_logged" and event.data.get("worklog"):
                    WorkLog.objects.filter(pk=event.data["worklog"]).update(note=text)
                changed += 1
    return changed


def forwards(apps, schema_editor):
    convert(
        apps.get_model("cases", "Case"),
        apps.get_model("cases", "CaseEvent"),
        apps.get_model("cases", "WorkLog"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("mailgate", "0002_inbound_sender"),
        ("cases", "0008_title_may_be_empty"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
