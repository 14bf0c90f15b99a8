"""System notes stored as sentences (Chinese or English) become data: a code and its
parameters (``data["system"]``), worded by ``cases.presenters`` in the reader's language.

Known sentences, in both languages:
- an assignment by the callback chase: "no callback within the chase time";
- an assignment by a routing queue: "auto-assigned by routing queue <queue>";
- the desk's call to the engineer (a phone work log):
  "Phoned engineer <name>[ (<phone>)].[ <what the caller wrote>]".
Anything else is left as it is.  The work log keeps only what the person wrote.
"""

import re

from django.db import migrations

CHASE = {"no callback within the chase time", "催办时限内无人回电，已改派"}
ROUTING = [
    re.compile(r"^auto-assigned by routing queue (?P<queue>.+)$", re.S),
    re.compile(r"^由分派队列 (?P<queue>.+) 自动分派$", re.S),
]
PHONED = [
    re.compile(
        r"^Phoned engineer (?P<name>.+?)(?: \((?P<phone>[^()]*)\))?\.(?: (?P<rest>.*))?$", re.S
    ),
    re.compile(
        r"^已电话通知工程师 (?P<name>.+?)(?: \((?P<phone>[^()]*)\))?。(?: (?P<rest>.*))?$", re.S
    ),
]
_FAMILY_FIRST = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def _display_name(user) -> str:
    given, family = (user.first_name or "").strip(), (user.last_name or "").strip()
    if _FAMILY_FIRST.search(given + family):
        name = f"{family}{given}"
    else:
        name = f"{given} {family}".strip()
    return name or user.username


def system_of(kind: str, note: str, logins: dict[str, str]) -> tuple[dict, str] | None:
    """``(system note, what remains of the person's note)`` for a known sentence, else None;
    ``logins`` maps display names to logins."""
    if not isinstance(note, str):
        return None
    text = note.strip()
    if kind == "assigned":
        if text in CHASE:
            return {"code": "chase_reassigned"}, ""
        for pattern in ROUTING:
            if m := pattern.match(text):
                return {"code": "routing_assigned", "queue": m["queue"]}, ""
    if kind == "work_logged":
        for pattern in PHONED:
            if m := pattern.match(text):
                name = m["name"]
                system = {
                    "code": "phoned_engineer",
                    "engineer": logins.get(name, name),
                    "phone": m["phone"] or "",
                }
                return system, (m["rest"] or "").strip()
    return None


def convert(CaseEvent, WorkLog, User) -> int:
    """Rewrite the events (and their work logs) whose note is a known system sentence;
    the number of events changed."""
    logins: dict[str, str] = {}
    for user in User.objects.only("username", "first_name", "last_name"):
        logins.setdefault(_display_name(user), user.username)
        logins[user.username] = user.username
    changed = 0
    events = CaseEvent.objects.filter(kind__in=["assigned", "work_logged"], data__has_key="note")
    for event in events.iterator():
        data = dict(event.data or {})
        if "system" in data:
            continue
        found = system_of(event.kind, data.get("note"), logins)
        if found is None:
            continue
        system, rest = found
        data["system"] = system
        if rest:
            data["note"] = rest
        else:
            data.pop("note", None)
        event.data = data
        event.save(update_fields=["data"])
        if event.kind == "work_logged" and data.get("worklog"):
            WorkLog.objects.filter(pk=data["worklog"]).update(note=rest)
        changed += 1
    return changed


def forwards(apps, schema_editor):
    convert(
        apps.get_model("cases", "CaseEvent"),
        apps.get_model("cases", "WorkLog"),
        apps.get_model("accounts", "User"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_field_labels"),
        ("accounts", "0004_field_labels"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
