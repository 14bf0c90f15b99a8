"""The articles' search index, as ``search`` keeps the CASEs': GIN indexes over the
tokens on PostgreSQL (staff match the working text, everyone else the published text); an
FTS5 table kept in line by triggers on SQLite."""

from django.db import migrations

PG_FORWARD = [
    "CREATE INDEX knowledge_document_gin ON knowledge_articledocument USING gin ((title || body))",
    "CREATE INDEX knowledge_published_gin ON knowledge_articledocument USING gin (published)",
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS knowledge_published_gin",
    "DROP INDEX IF EXISTS knowledge_document_gin",
]

COLUMNS = "title, body, published"
NEW = "new.article_id, new.title, new.body, new.published"
OLD = "old.article_id, old.title, old.body, old.published"
SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE knowledge_fts USING fts5("
    f"{COLUMNS}, content='knowledge_articledocument', content_rowid='article_id', "
    "tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER knowledge_articledocument_ai AFTER INSERT ON knowledge_articledocument "
    f"BEGIN INSERT INTO knowledge_fts (rowid, {COLUMNS}) VALUES ({NEW}); END",
    "CREATE TRIGGER knowledge_articledocument_ad AFTER DELETE ON knowledge_articledocument "
    f"BEGIN INSERT INTO knowledge_fts (knowledge_fts, rowid, {COLUMNS}) "
    f"VALUES ('delete', {OLD}); END",
    "CREATE TRIGGER knowledge_articledocument_au AFTER UPDATE ON knowledge_articledocument "
    f"BEGIN INSERT INTO knowledge_fts (knowledge_fts, rowid, {COLUMNS}) "
    f"VALUES ('delete', {OLD}); "
    f"INSERT INTO knowledge_fts (rowid, {COLUMNS}) VALUES ({NEW}); END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS knowledge_articledocument_au",
    "DROP TRIGGER IF EXISTS knowledge_articledocument_ad",
    "DROP TRIGGER IF EXISTS knowledge_articledocument_ai",
    "DROP TABLE IF EXISTS knowledge_fts",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        )
    ]
