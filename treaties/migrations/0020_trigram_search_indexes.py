"""Trigram indexes, so that the searches' case-blind substring matches on names, aliases and statements read an
index instead of every row (PostgreSQL's pg_trgm). Django writes `icontains` as `UPPER(column) LIKE UPPER(…)`,
so the indexes are on that expression. SQLite keeps scanning, which is fine at its size."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = {
    "treaty_name_trgm": ("treaties_treaty", "name"),
    "treaty_short_name_trgm": ("treaties_treaty", "short_name"),
    "alias_name_trgm": ("treaties_treatyalias", "name"),
    "party_name_trgm": ("treaties_party", "name"),
    "party_short_name_trgm": ("treaties_party", "short_name"),
    "statement_title_trgm": ("treaties_statement", "title"),
    "statement_quote_trgm": ("treaties_statement", "quote"),
    "statement_speaker_trgm": ("treaties_statement", "speaker"),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, (table, column) in INDEXES.items():
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ((UPPER({column}::text)) gin_trgm_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("treaties", "0019_status_intervals")]

    operations = [TrigramExtension(), migrations.RunPython(create, drop)]
