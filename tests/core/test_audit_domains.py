"""Every state change of every domain object writes one audit record (issue 12 §3)."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.utils import timezone

from casedesk.cases import services
from casedesk.cases.models import CaseEvent
from casedesk.core import audit
from casedesk.core.models import AuditHead, AuditRecord
from tests.factories import make_case, make_user
from tests.sla.test_supervisor import Desk, at, supervise

pytestmark = pytest.mark.django_db
chain_links = importlib.import_module("casedesk.core.migrations.0004_chain_links")


def records(**filters) -> list[AuditRecord]:
    return list(AuditRecord.objects.filter(**filters).order_by("seq"))


def case_records(case) -> list[AuditRecord]:
    return records(object_type="cases.case", object_id=str(case.pk))


def test_each_case_operation_writes_one_audit_record(call_taker, duty, engineer, contact):
    case = make_case(contact=contact, by=call_taker, priority="P3")
    services.case_assign(case=case, engineer=engineer, by=duty, note="take it")
    services.case_accept(case=case, by=engineer)
    services.case_set_priority(case=case, priority="P4", by=duty, reason="customer said so")
    services.case_pend(case=case, reason="customer", by=engineer)
    services.case_resume(case=case, by=engineer)
    services.case_resolve(case=case, solution="rebooted", by=engineer)

    recs = case_records(case)
    events = list(CaseEvent.objects.filter(case=case).order_by("id"))
    assert len(recs) == len(events) == 7  # one per operation
    assert [r.action for r in recs] == [
        "case.opened",
        "case.assigned",
        "case.accepted",
        "case.priority_changed",
        "case.pended",
        "case.resumed",
        "case.resolved",
    ]
    assert [r.actor for r in recs] == [
        call_taker.username,
        duty.username,
        engineer.username,
        duty.username,
        engineer.username,
        engineer.username,
        engineer.username,
    ]
    opened = recs[0].changes
    assert opened["after"]["number"] == case.number == recs[0].object_repr.split()[0]
    assigned = recs[1].changes
    assert assigned["before"]["status"] == "open"
    assert assigned["after"]["status"] == "assigned"
    assert assigned["after"]["engineer"] == engineer.username
    assert assigned["note"] == "take it"
    priority = recs[3]
    assert priority.changes["before"] == {"priority": "P3"}
    assert priority.changes["after"] == {"priority": "P4"}
    assert priority.reason == "customer said so"
    assert recs[-1].changes["after"]["solution"] == "rebooted"
    assert audit.verify().ok


def test_a_refused_operation_writes_no_audit_record(call_taker, engineer, contact):
    case = make_case(contact=contact, by=call_taker)
    before = AuditRecord.objects.count()
    with pytest.raises(Exception):  # noqa: B017 - the refusal itself is tested elsewhere
        services.case_resolve(case=case, solution="x", by=engineer)
    assert AuditRecord.objects.count() == before
    assert audit.verify().ok


def test_the_supervisor_audits_every_deadline_it_fires(smtp):
    desk = Desk()
    case = desk.open("P4")
    desk.do(5, services.case_assign, case=case, engineer=desk.eng, by=desk.duty)
    supervise(at(50.1))  # the callback deadline passes: the chase reassigns
    fired = CaseEvent.objects.filter(case=case, kind="deadline_fired")
    assert fired.exists()
    recs = case_records(case)
    assert [r.action for r in recs].count("case.deadline_fired") == fired.count()
    for rec in recs:
        assert rec.seq is not None  # sealed into the chain
    chase = next(r for r in recs if r.action == "case.deadline_fired")
    assert chase.actor == "" and chase.changes["deadline"]
    assert audit.verify().ok


# --- the Django admin: saves and deletes go through the services, audited ----------------


@pytest.fixture
def root(client, db):
    user = make_user("admin", username="root")
    client.force_login(user)
    return user


def _form_data(response) -> dict:
    """What the admin's change form would post back unchanged (with its inlines)."""
    data: dict = {}

    def put(form, name):
        value = form[name].value()
        if value is None or value is False:
            return
        if value is True:
            value = "on"
        key = form.add_prefix(name)
        if isinstance(value, list | tuple):
            data[key] = [str(v) for v in value]
        elif isinstance(value, dt.datetime):  # a split date and time
            local = timezone.localtime(value)
            data[f"{key}_0"], data[f"{key}_1"] = f"{local:%Y-%m-%d}", f"{local:%H:%M:%S}"
        else:
            data[key] = str(value)

    form = response.context["adminform"].form
    for name in form.fields:
        put(form, name)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            put(formset.management_form, name)
        for sub in formset.forms:
            for name in sub.fields:
                put(sub, name)
    return data


def test_an_admin_edit_is_audited_with_before_and_after(client, root, org, engineer):
    from django.urls import reverse

    url = reverse("admin:accounts_organization_change", args=[org.pk])
    data = _form_data(client.get(url))
    data["name"] = "新名字"
    data["project_engineers"] = [str(engineer.pk)]
    r = client.post(url, data)
    assert r.status_code == 302, r.context["adminform"].form.errors if r.context else r
    org.refresh_from_db()
    assert org.name == "新名字"
    (rec,) = records(object_type="accounts.organization", object_id=str(org.pk))
    assert rec.action == "organization.change"
    assert rec.actor == "root" and rec.actor_id == root.pk
    assert rec.changes["before"]["name"] != "新名字"
    assert rec.changes["after"]["name"] == "新名字"
    assert rec.changes["before"]["project_engineers"] == []
    assert rec.changes["after"]["project_engineers"] == [engineer.pk]
    assert audit.verify().ok


def test_an_admin_delete_is_audited_with_what_was_deleted(client, root):
    from django.urls import reverse

    from casedesk.accounts.models import Skill

    skill = Skill.objects.create(code="bgp", name="BGP")
    url = reverse("admin:accounts_skill_delete", args=[skill.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Skill.objects.filter(pk=skill.pk).exists()
    (rec,) = records(action="skill.delete")
    assert rec.actor == "root" and rec.object_id == str(skill.pk)
    assert rec.changes["before"]["code"] == "bgp" and "after" not in rec.changes
    assert audit.verify().ok


def test_an_admin_edit_of_a_user_keeps_no_password_in_the_audit(client, root, engineer):
    from django.urls import reverse

    url = reverse("admin:accounts_user_change", args=[engineer.pk])
    data = _form_data(client.get(url))
    data["email"] = "new@desk.example"
    r = client.post(url, data)
    assert r.status_code == 302, r.context["adminform"].form.errors if r.context else r
    (rec,) = records(object_type="accounts.user", object_id=str(engineer.pk), action="user.change")
    assert rec.changes["after"]["email"] == "new@desk.example"
    assert "password" not in rec.changes["after"]  # unchanged
    engineer.refresh_from_db()
    assert engineer.password not in rec.data


# --- the migration: the chain covers the CASEs that existed before it -------------------


def _migrate(*targets):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    for target in targets:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate([target])


def _latest_core():
    from django.db.migrations.loader import MigrationLoader

    return next(node for node in MigrationLoader(None).graph.leaf_nodes() if node[0] == "core")


def test_the_migration_records_every_existing_case_in_the_chain(transactional_db, call_taker):
    cases = [make_case(by=call_taker, title=f"old {i}") for i in range(3)]
    # The database as it was before the audit trail: CASEs, no records, no head.
    AuditRecord.objects.all().delete()
    AuditHead.objects.all().delete()
    try:
        _migrate(("core", "0001_initial"), _latest_core())
    finally:
        _migrate(_latest_core())
    assert records()[0].action == audit.GENESIS_ACTION
    imported = records(action="case.imported")
    assert [r.object_id for r in imported] == [str(c.pk) for c in cases]
    for rec, case in zip(imported, cases, strict=True):
        assert rec.changes == {"number": case.number, "status": "open", "events": 1}
        assert rec.object_repr.startswith(case.number)
    verdict = audit.verify()
    assert verdict == audit.Verdict(True, 4), verdict


def _old_formula() -> list[AuditRecord]:
    """Rewrite the chain as the first formula sealed it (each hash over every column and the
    previous hash); the head follows."""
    chain = records()
    prev = audit.GENESIS_HASH
    for rec in chain:
        rec.prev_hash = prev
        rec.hash = prev = chain_links._old_seal(rec, rec.prev_hash)
    AuditRecord.objects.bulk_update(chain, ["prev_hash", "hash"])
    AuditHead.objects.update(last_hash=prev)
    return chain


def test_a_chain_sealed_under_the_first_formula_is_linked_again_and_verifies(
    transactional_db, call_taker, engineer, duty
):
    case = make_case(by=call_taker)
    services.case_assign(case=case, engineer=engineer, by=duty)
    old = _old_formula()
    assert not audit.verify().ok  # the new formula does not read the old hashes
    try:
        _migrate(("core", "0003_audit_existing_cases"), _latest_core())
    finally:
        _migrate(_latest_core())
    assert audit.verify() == audit.Verdict(True, len(old))
    head = AuditHead.objects.get()
    chain = records()
    assert (head.last_seq, head.last_hash, head.prev_hash) == (
        chain[-1].seq,
        chain[-1].hash,
        chain[-2].hash,
    )
    # and it goes on: the next operation links to it, on PostgreSQL in one statement
    services.case_accept(case=case, by=engineer)
    assert audit.verify() == audit.Verdict(True, len(old) + 1)


def test_a_chain_broken_before_the_new_formula_stays_broken(transactional_db, call_taker):
    make_case(by=call_taker)
    make_case(by=call_taker)
    victim = records()[2].seq
    sealed = [(r.seq, r.prev_hash, r.hash) for r in _old_formula()]
    # someone altered a record after it was sealed under the old formula
    AuditRecord.objects.filter(seq=victim).update(reason="nothing happened")
    try:
        _migrate(("core", "0003_audit_existing_cases"), _latest_core())
    finally:
        _migrate(_latest_core())
    # not laundered into a valid chain: every hash is as the old formula left it
    assert [(r.seq, r.prev_hash, r.hash) for r in records()] == sealed
    assert not audit.verify().ok


# --- the demo: its chain verifies, and one row changed by SQL breaks it -----------------


def test_audit_verify_passes_on_the_demo_and_fails_after_one_row_is_changed_by_sql():
    import io

    from django.core.management import CommandError, call_command
    from django.db import connection

    call_command("demo", stdout=io.StringIO())
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    n = AuditRecord.objects.count()
    assert out.getvalue() == f"Audit chain intact: {n} records.\n"
    actions = set(AuditRecord.objects.values_list("action", flat=True))
    assert {"case.opened", "case.assigned", "case.resolved"} <= actions

    victim = AuditRecord.objects.filter(action="case.assigned").order_by("seq")[3]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditrecord SET actor = %s WHERE id = %s", ["mallory", victim.pk]
        )
    with pytest.raises(CommandError, match=rf"at record {victim.seq}: was altered"):
        call_command("audit", "verify", stdout=io.StringIO())


# --- every other domain: accounts, SLA configuration, webhooks, mail, outbox ------------


def test_accounts_changes_are_audited(manager):
    from casedesk.accounts import services as people

    org = people.organization_create(code="NEWCO", name="新公司", by=manager)
    contact = people.contact_create(organization=org, name="张三", email="z@x.cn", by=manager)
    user = make_user("engineer", username="neweng", skills=("bgp",))
    token, raw = people.token_create(user=user, by=manager)
    people.token_revoke(token=token, by=manager)
    people.token_revoke(token=token, by=manager)  # already revoked: no change, no record
    people.user_set_preferences(user=user, language="en", time_zone="Asia/Tokyo")

    (rec,) = records(action="organization.create")
    assert rec.actor == manager.username and rec.changes["after"]["code"] == "NEWCO"
    assert records(action="contact.create")[0].object_id == str(contact.pk)
    (created,) = records(action="user.create", object_id=str(user.pk))
    assert created.changes["after"]["skills"] == ["bgp"]
    assert "password" not in created.changes["after"]
    assert [r.action for r in records(object_type="accounts.apitoken")] == [
        "apitoken.create",
        "apitoken.revoke",
    ]
    assert not AuditRecord.objects.filter(data__contains=raw).exists()
    assert not AuditRecord.objects.filter(data__contains=token.digest).exists()
    (prefs,) = records(action="user.preferences")
    assert prefs.actor == "neweng"
    assert prefs.changes["after"] == {"language": "en", "time_zone": "Asia/Tokyo"}
    assert audit.verify().ok


def test_casedesk_seed_audits_what_it_restores():
    import io

    from django.core.management import call_command

    from casedesk.sla.models import EscalationRule

    rule = EscalationRule.objects.order_by("id").first()
    rule.delete()
    call_command("seed", stdout=io.StringIO())
    call_command("seed", stdout=io.StringIO())  # nothing missing: nothing recorded
    assert EscalationRule.objects.count() >= 1
    assert not records(action="escalationrule.create")  # only the missing policy is restored
    from casedesk.sla.models import SlaPolicy

    SlaPolicy.objects.filter(service_level="silver").delete()
    call_command("seed", stdout=io.StringIO())
    made = records(reason="casedesk seed")
    assert {r.action for r in made} == {
        "slapolicy.create",
        "severitytarget.create",
        "escalationrule.create",
    }
    assert audit.verify().ok


def test_webhook_create_and_retry_are_audited(client, root, org):
    from django.urls import reverse

    from casedesk.webhooks import services as hooks
    from casedesk.webhooks.choices import DeliveryStatus
    from casedesk.webhooks.models import WebhookDelivery

    hook, secret = hooks.webhook_create(by=root, name="群", url="https://hooks.example.cn/x")
    (rec,) = records(action="webhook.create")
    assert rec.actor == "root" and rec.changes["after"]["url"] == "https://hooks.example.cn/x"
    assert secret not in rec.data  # the secret shows only as a digest
    make_case(org=org)
    WebhookDelivery.objects.update(status=DeliveryStatus.FAILED, attempts=8)
    delivery = WebhookDelivery.objects.get()
    client.post(
        reverse("admin:webhooks_webhookdelivery_changelist"),
        {"action": "retry_now", "_selected_action": [delivery.pk]},
    )
    (retry,) = records(action="webhookdelivery.retry")
    assert retry.actor == "root" and retry.object_id == str(delivery.pk)
    assert retry.changes["before"] == {"attempts": 8, "status": "failed"}
    assert audit.verify().ok


def test_mail_quarantine_and_rerun_are_audited(client, root):
    from django.urls import reverse

    from casedesk.mailgate import services as mailgate

    message = mailgate.ingest_bytes(b"Subject: nobody\r\nMessage-ID: <q1@x>\r\n\r\nhello\r\n")
    assert message.status == "quarantined"
    (rec,) = records(action="inboundmessage.process")
    assert rec.changes["after"] == {"status": "quarantined"} and rec.reason
    client.post(
        reverse("admin:mailgate_inboundmessage_changelist"),
        {"action": "rerun", "_selected_action": [message.pk]},
    )
    again = records(action="inboundmessage.process")
    assert len(again) == 2 and again[1].actor == "root"
    assert audit.verify().ok


def test_an_outbox_retry_in_the_admin_is_audited(client, root, org, duty):
    from django.urls import reverse

    from casedesk.notify.models import Notification

    make_case(org=org, priority="P1")  # tells the duty engineers at once
    n = Notification.objects.filter(status="pending").first()
    assert n is not None
    client.post(
        reverse("admin:notify_notification_changelist"),
        {"action": "retry_now", "_selected_action": [n.pk]},
    )
    (rec,) = records(action="notification.retry")
    assert rec.actor == "root" and rec.object_id == str(n.pk)
    assert audit.verify().ok


# --- sealing: a record rolled back with its savepoint is never numbered ------------------


@pytest.mark.parametrize("after", [0, 1, 2])
def test_a_record_rolled_back_in_a_savepoint_leaves_no_gap(after):
    """A record made in a savepoint that rolls back is dropped; those made after it are
    sealed (SQLite would even give the next record the rolled-back row's id)."""
    from django.db import transaction

    with transaction.atomic(), audit.sealing():
        try:
            with transaction.atomic():
                audit.record(action="x.change", object_type="x.y", object_id="gone")
                raise ValueError
        except ValueError:
            pass
        kept = [
            audit.record(action="x.change", object_type="x.y", object_id=i) for i in range(after)
        ]
    assert AuditRecord.objects.filter(object_id="gone").count() == 0
    assert [r.object_id for r in records(object_type="x.y")] == [str(i) for i in range(after)]
    for rec in kept:
        stored = AuditRecord.objects.get(seq=rec.seq)
        assert (stored.object_id, stored.hash) == (rec.object_id, rec.hash)
    verdict = audit.verify()
    assert verdict.ok, verdict


def test_a_list_edit_in_the_admin_changelist_is_audited(client, root):
    from django.urls import reverse

    from casedesk.routing.models import RoutingQueue

    queue = RoutingQueue.objects.create(name="夜班", position=5, is_active=True, auto_assign=False)
    r = client.post(
        reverse("admin:routing_routingqueue_changelist"),
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(queue.pk),
            "form-0-position": "7",
            "form-0-is_active": "on",
            "form-0-auto_assign": "on",
            "_save": "Save",
        },
    )
    assert r.status_code == 302
    queue.refresh_from_db()
    assert (queue.position, queue.auto_assign) == (7, True)
    (rec,) = records(action="routingqueue.change")
    assert rec.actor == "root"
    assert rec.changes == {
        "before": {"auto_assign": False, "position": 5},
        "after": {"auto_assign": True, "position": 7},
    }
