"""The index proper: a GIN over the whole document on PostgreSQL; an FTS5 table kept in
line by triggers on SQLite (both read the tokens ``search.tokens`` wrote, no parser)."""

from django.db import migrations

# The expression selectors.py matches on: the GIN index serves it only if they are the same.
PG_DOCUMENT = "(title || body || logs || internal)"

PG_FORWARD = [
    f"CREATE INDEX search_document_gin ON search_casedocument USING gin ({PG_DOCUMENT})",
]
PG_BACKWARD = ["DROP INDEX IF EXISTS search_document_gin"]

COLUMNS = "title, body, logs, internal"
SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    f"{COLUMNS}, content='search_casedocument', content_rowid='case_id', "
    "tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER search_casedocument_ai AFTER INSERT ON search_casedocument BEGIN "
    f"INSERT INTO search_fts (rowid, {COLUMNS}) "
    "VALUES (new.case_id, new.title, new.body, new.logs, new.internal); END",
    "CREATE TRIGGER search_casedocument_ad AFTER DELETE ON search_casedocument BEGIN "
    f"INSERT INTO search_fts (search_fts, rowid, {COLUMNS}) "
    "VALUES ('delete', old.case_id, old.title, old.body, old.logs, old.internal); END",
    "CREATE TRIGGER search_casedocument_au AFTER UPDATE ON search_casedocument BEGIN "
    f"INSERT INTO search_fts (search_fts, rowid, {COLUMNS}) "
    "VALUES ('delete', old.case_id, old.title, old.body, old.logs, old.internal); "
    f"INSERT INTO search_fts (rowid, {COLUMNS}) "
    "VALUES (new.case_id, new.title, new.body, new.logs, new.internal); END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_casedocument_au",
    "DROP TRIGGER IF EXISTS search_casedocument_ad",
    "DROP TRIGGER IF EXISTS search_casedocument_ai",
    "DROP TABLE IF EXISTS search_fts",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        )
    ]
