"""``core.rows.insert``: many rows in one go (on PostgreSQL by COPY from ``COPY_FROM`` rows
on) read back as the ORM wrote them, and the audit chain they are sealed into verifies."""

from __future__ import annotations

import datetime as dt

from casedesk.core import audit, clock, rows
from casedesk.core.models import AuditRecord
from casedesk.core.operations import operation


def test_many_audit_records_are_written_in_order_and_the_chain_verifies(db):
    n = rows.COPY_FROM * 3 + 7  # several batches of the sealing, some by COPY on PostgreSQL

    @operation
    def many() -> None:
        audit.record_all(
            [
                audit.build(
                    action="test.many",
                    object_type="test.thing",
                    object_id=i,
                    object_repr=f"第 {i} 个",
                    data={"i": i, "text": '引号 " 反斜杠 \\ 制表\t换行\n'},
                    reason="" if i % 2 else "原因",
                )
                for i in range(n)
            ]
        )

    with clock.frozen(dt.datetime(2026, 12, 7, 8, 0, tzinfo=dt.UTC)):
        many()
    written = list(AuditRecord.objects.filter(action="test.many").order_by("seq"))
    assert [r.object_id for r in written] == [str(i) for i in range(n)]
    assert written[5].object_repr == "第 5 个" and written[4].reason == "原因"
    assert '"text":"引号 \\" 反斜杠 \\\\ 制表\\t换行\\n"' in written[0].data
    assert written[0].at == dt.datetime(2026, 12, 7, 8, 0, tzinfo=dt.UTC)
    assert audit.verify().ok
