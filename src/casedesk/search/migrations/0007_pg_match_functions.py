"""PostgreSQL: ``search_match`` returns ids only and filters a customer's organization
before it looks at any text; ``search_title_match`` answers "does the title alone match"
from its own GIN index.  Both plan with sequential scans off (their bitmaps are exact, so
no document is detoasted) and tell the planner they return many rows (a hash join, not
78,000 index probes).  Measured in docs/PERFORMANCE.md, "Search"."""

from django.db import migrations

FORWARD = [
    "DROP FUNCTION IF EXISTS search_match(tsquery, bigint)",
    """CREATE FUNCTION search_match(q tsquery, org bigint DEFAULT NULL)
       RETURNS SETOF bigint
       LANGUAGE sql STABLE PARALLEL RESTRICTED ROWS 5000
       SET enable_seqscan = off
       AS $$
         SELECT d.case_id FROM search_casedocument d
         WHERE d.document @@ q AND org IS NULL
         UNION ALL
         SELECT s.case_id FROM (
           SELECT d.case_id, d.title, d.body, d.logs, d.internal
           FROM search_casedocument d JOIN cases_case c ON c.id = d.case_id
           WHERE d.document @@ q AND c.organization_id = org AND org IS NOT NULL
           OFFSET 0
         ) s
         WHERE s.internal = ''::tsvector OR (s.title || s.body || s.logs) @@ q
       $$""",
    "CREATE INDEX search_title_gin ON search_casedocument USING gin (title)",
    """CREATE FUNCTION search_title_match(q tsquery)
       RETURNS SETOF bigint
       LANGUAGE sql STABLE PARALLEL RESTRICTED ROWS 500
       SET enable_seqscan = off
       AS $$ SELECT case_id FROM search_casedocument WHERE title @@ q $$""",
]
BACKWARD = [
    "DROP FUNCTION IF EXISTS search_title_match(tsquery)",
    "DROP INDEX IF EXISTS search_title_gin",
    "DROP FUNCTION IF EXISTS search_match(tsquery, bigint)",
    """CREATE FUNCTION search_match(q tsquery, org bigint DEFAULT NULL)
       RETURNS TABLE (case_id bigint, in_title boolean)
       LANGUAGE sql STABLE PARALLEL SAFE SET enable_seqscan = off
       AS $$
         SELECT d.case_id, d.title @@ q FROM search_casedocument d
         WHERE d.document @@ q AND org IS NULL
         UNION ALL
         SELECT d.case_id, d.title @@ q FROM search_casedocument d
         JOIN cases_case c ON c.id = d.case_id AND c.organization_id = org
         WHERE d.document @@ q
           AND (d.internal = ''::tsvector OR (d.title || d.body || d.logs) @@ q)
       $$""",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0006_backfill")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
