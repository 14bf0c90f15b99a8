"""PostgreSQL: one stored ``document`` (every part, weighted) under a GIN index, a narrow
table, and ``search_match``, the one query that finds documents.

Measured at 100,000 CASEs with 500,000 work logs (docs/PERFORMANCE.md, "Search"): matching
the concatenation of the parts had to detoast and join four tsvectors per row whenever the
planner chose a sequential scan (3.5 s for a word in 78 % of CASEs).  Now the document is
stored, the main heap holds only the id and the (inline) title tsvector (toast_tuple_target:
14 MB instead of 300), and ``search_match`` runs with sequential scans off: its GIN bitmap is
exact, so no document is ever detoasted to match (36 ms to count 78,595 matches, against
1 s for a sequential scan that the planner rates about as cheap).
"""

from django.db import migrations

FORWARD = [
    "DROP INDEX IF EXISTS search_document_gin",
    "ALTER TABLE search_casedocument ADD COLUMN document tsvector NOT NULL DEFAULT ''",
    "UPDATE search_casedocument SET document = title || body || logs || internal",
    "ALTER TABLE search_casedocument ALTER COLUMN title SET STORAGE MAIN",
    "ALTER TABLE search_casedocument SET (toast_tuple_target = 128)",
    # Faster to decompress than pglz where the server has it (PostgreSQL ≥ 14 with lz4).
    """DO $$ BEGIN
         ALTER TABLE search_casedocument ALTER COLUMN document SET COMPRESSION lz4;
       EXCEPTION WHEN OTHERS THEN NULL; END $$""",
    "CREATE INDEX search_document_gin ON search_casedocument USING gin (document)",
    # The CASEs matching ``q`` (of organization ``org`` only, when given: a customer's, who
    # never matches on internal work logs), and whether the title alone matches.
    """CREATE FUNCTION search_match(q tsquery, org bigint DEFAULT NULL)
       RETURNS TABLE (case_id bigint, in_title boolean)
       LANGUAGE sql STABLE PARALLEL SAFE
       SET enable_seqscan = off
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
BACKWARD = [
    "DROP FUNCTION IF EXISTS search_match(tsquery, bigint)",
    "DROP INDEX IF EXISTS search_document_gin",
    "ALTER TABLE search_casedocument DROP COLUMN IF EXISTS document",
    "CREATE INDEX search_document_gin ON search_casedocument "
    "USING gin ((title || body || logs || internal))",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0004_token_stats")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
