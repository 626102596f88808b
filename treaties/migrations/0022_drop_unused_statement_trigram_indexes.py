"""The trigram indexes on statements' titles and quotes (0020) serve no query since searches read the search
vector (0021), and the admin's search ORs in the URL and outlet, which no index covers, so it scans either way.
Each statement written (a feed's thousands an hour, an import's) kept both up to date for nothing. The
speaker's stays: the `speaker=` filter matches part of a name."""

from django.db import migrations

UNUSED = {"statement_title_trgm": "title", "statement_quote_trgm": "quote"}


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in UNUSED:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, column in UNUSED.items():
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON treaties_statement "
                                  f"USING gin ((UPPER({column}::text)) gin_trgm_ops)")


class Migration(migrations.Migration):
    dependencies = [("treaties", "0021_statement_search_vector")]

    operations = [migrations.RunPython(drop, create)]
