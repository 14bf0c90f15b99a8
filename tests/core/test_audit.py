"""The audit trail: one hash-chained record per change; `casedesk audit verify` finds tampering."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from casedesk.core import audit
from casedesk.core.models import AuditHead, AuditRecord
from tests.factories import OrganizationFactory, make_user

pytestmark = pytest.mark.django_db


def _verify(*args) -> str:
    out = io.StringIO()
    call_command("audit", "verify", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def chain(db):
    """Genesis and five records about one organization, by one user."""
    user = make_user("admin", username="root")
    org = OrganizationFactory(code="ACME")
    for i in range(5):
        audit.record(
            action="organization.change",
            obj=org,
            actor=user,
            before={"name": f"ACME {i}"},
            after={"name": f"ACME {i + 1}"},
            reason="renamed",
        )
    return list(AuditRecord.objects.order_by("seq"))


def _sql(statement: str, *params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_records_are_numbered_and_chained(chain):
    assert [r.seq for r in chain] == list(range(1, len(chain) + 1))
    assert chain[0].action == audit.GENESIS_ACTION
    for before, rec in zip(chain, chain[1:], strict=False):
        assert rec.prev_hash == before.hash
    last = chain[-1]
    assert last.actor == "root" and last.object_type == "accounts.organization"
    assert last.changes == {"before": {"name": "ACME 4"}, "after": {"name": "ACME 5"}}
    head = AuditHead.objects.get()
    assert (head.last_seq, head.last_hash, head.count) == (last.seq, last.hash, len(chain))


def test_verify_passes_on_an_intact_chain(chain):
    assert _verify() == f"Audit chain intact: {len(chain)} records.\n"


def test_only_differing_fields_are_kept(db):
    rec = audit.record(
        action="x.change",
        object_type="x.y",
        object_id=1,
        before={"a": 1, "b": 2},
        after={"a": 1, "b": 3},
    )
    assert rec.changes == {"before": {"b": 2}, "after": {"b": 3}}


def test_an_altered_record_is_named(chain):
    _sql("UPDATE core_auditrecord SET reason = %s WHERE seq = %s", "nothing happened", 4)
    with pytest.raises(CommandError, match="broken at record 4: was altered"):
        _verify()


def test_altered_changes_are_named(chain):
    _sql("UPDATE core_auditrecord SET data = %s WHERE seq = %s", '{"after":{"name":"X"}}', 3)
    with pytest.raises(CommandError, match="broken at record 3"):
        _verify()


def test_a_deleted_record_is_named(chain):
    _sql("DELETE FROM core_auditrecord WHERE seq = %s", 3)
    with pytest.raises(CommandError, match="broken at record 3: records 3–3 are missing"):
        _verify()


def test_a_deleted_tail_is_seen(chain):
    _sql("DELETE FROM core_auditrecord WHERE seq = %s", len(chain))
    with pytest.raises(CommandError, match=f"broken at record {len(chain)}: records after"):
        _verify()


def test_a_record_inserted_out_of_place_is_named(chain):
    """A forged record slipped in with a valid hash of its own: the next link breaks."""
    _sql("DELETE FROM core_auditrecord WHERE seq = %s", 4)
    forged = AuditRecord.objects.get(seq=3)
    forged.pk, forged.seq, forged.reason, forged.prev_hash = None, 4, "forged", chain[2].hash
    forged.hash = audit.seal(forged)
    forged.save(force_insert=True)
    with pytest.raises(CommandError, match="broken at record 5: does not follow"):
        _verify()


def test_a_rewritten_chain_misses_the_auditors_anchor(chain):
    out = io.StringIO()
    call_command("audit", "head", stdout=out)
    anchor = out.getvalue().strip()
    assert anchor == f"{chain[-1].seq}:{chain[-1].hash}"
    assert "intact" in _verify("--anchor", anchor)
    # Someone with database access rewrites record 4 and recomputes every hash after it.
    records = list(AuditRecord.objects.order_by("seq"))
    prev = records[2].hash
    for rec in records[3:]:
        if rec.seq == 4:
            rec.reason = "rewritten"
        rec.prev_hash = prev
        rec.hash = audit.seal(rec)
        AuditRecord.objects.filter(seq=rec.seq).update(
            reason=rec.reason, prev_hash=rec.prev_hash, hash=rec.hash
        )
        prev = rec.hash
    AuditHead.objects.update(last_hash=prev)
    assert "intact" in _verify()  # consistent in itself ...
    with pytest.raises(CommandError, match="differs from the anchor"):
        _verify("--anchor", anchor)  # ... but not the chain the auditor saw


def test_a_bad_anchor_is_refused(chain):
    with pytest.raises(CommandError, match="SEQ:HASH"):
        _verify("--anchor", "nonsense")


def test_record_rolls_back_with_its_transaction(chain):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record(action="x.change", object_type="x.y", object_id=1)
        raise RuntimeError
    assert AuditRecord.objects.count() == len(chain)
    assert "intact" in _verify()


def test_concurrent_writers_never_fork_the_chain(transactional_db):
    """Twenty threads, each on its own connection, append at once: one chain, no gaps."""
    import threading

    from django.db import connections, transaction

    threads, per_thread = 20, 10
    start = threading.Barrier(threads)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            start.wait(timeout=30)
            for i in range(per_thread):
                with transaction.atomic():
                    audit.record(action="x.change", object_type="x.y", object_id=f"{n}-{i}")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=writer, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []
    assert AuditRecord.objects.filter(action="x.change").count() == threads * per_thread
    assert "intact" in _verify()


def test_a_record_slipped_in_without_the_audit_is_seen(chain):
    AuditRecord.objects.create(
        at=chain[-1].at, action="x.change", object_type="x.y", data="{}", prev_hash="", hash=""
    )
    with pytest.raises(CommandError, match="stands outside the chain"):
        _verify()


def test_an_operations_records_are_sealed_together_at_its_end(db):
    from django.db import transaction

    before = AuditRecord.objects.count()
    with transaction.atomic(), audit.sealing():
        first = audit.record(action="x.change", object_type="x.y", object_id=1)
        with audit.sealing():  # a nested operation leaves the sealing to the outer one
            second = audit.record(action="x.change", object_type="x.y", object_id=2)
        try:
            with transaction.atomic():  # a savepoint rolled back: its record is dropped
                audit.record(action="x.change", object_type="x.y", object_id=3)
                raise ValueError
        except ValueError:
            pass
        with transaction.atomic():  # a savepoint released: its record stays
            third = audit.record(action="x.change", object_type="x.y", object_id=4)
        assert AuditRecord.objects.count() == before  # written when the operation ends
        assert (first.seq, second.seq, third.seq) == (None, None, None)
    assert (first.seq, second.seq, third.seq) == (before + 1, before + 2, before + 3)
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    stored = list(AuditRecord.objects.filter(seq__gt=before).values_list("object_id", "hash"))
    assert stored == [("1", first.hash), ("2", second.hash), ("4", third.hash)]
    assert "intact" in _verify()


def test_sealing_needs_the_operations_transaction(transactional_db):
    with pytest.raises(RuntimeError, match="inside the operation's transaction"), audit.sealing():
        pass


def test_a_failed_operation_leaves_nothing(db):
    from django.db import transaction

    audit.record(action="x.change", object_type="x.y", object_id=0)
    with pytest.raises(ValueError), transaction.atomic(), audit.sealing():
        audit.record(action="x.change", object_type="x.y", object_id=1)
        raise ValueError
    assert AuditRecord.objects.count() == 2
    assert "intact" in _verify()
