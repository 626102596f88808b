"""Full-text search of statements on PostgreSQL: a stored search vector on each statement, kept by the database
itself (a generated column), with a GIN index (`treaties.search`). Its statistics know how common a word is, so
a word in every statement is searched by walking the date index and a rare one through the GIN index, where the
trigram indexes of 0020 could not tell the two apart.

The vector holds the title (weight A), speaker (B) and quote (C, its first 100,000 characters: a tsvector must
stay under 1 MB, and an insert that overflowed it would fail), in the 'simple' configuration (words as they are,
lower-cased, in any script) with accents removed. `unaccent()` is not IMMUTABLE, as a generated column needs (its
dictionary could change); `treaties_unaccent()` pins the dictionary and declares it so. Adding the column rewrites
the statements table (about a minute per million statements, locked meanwhile). SQLite has none of this and
keeps its substring search.
"""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations

QUOTE_LIMIT = 100_000


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'unaccent'")
        schema = cursor.fetchone()[0]
    schema_editor.execute(f"""
        CREATE OR REPLACE FUNCTION treaties_unaccent(text) RETURNS text
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        AS $$ SELECT {schema}.unaccent('{schema}.unaccent'::regdictionary, $1) $$""")
    words = "to_tsvector('simple'::regconfig, treaties_unaccent({}))"
    schema_editor.execute(f"""
        ALTER TABLE treaties_statement ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
            setweight({words.format("title")}, 'A')
            || setweight({words.format("speaker")}, 'B')
            || setweight({words.format(f"left(quote, {QUOTE_LIMIT})")}, 'C')
        ) STORED""")
    schema_editor.execute("CREATE INDEX statement_search_idx ON treaties_statement USING gin (search_vector)")
    # The new column has no statistics until autovacuum gets round to it (a rewrite does not count as changes),
    # and without them a word in every statement is planned as a rare one: seconds a search instead of ms.
    schema_editor.execute("ANALYZE treaties_statement")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("ALTER TABLE treaties_statement DROP COLUMN IF EXISTS search_vector")
    schema_editor.execute("DROP FUNCTION IF EXISTS treaties_unaccent(text)")


class Migration(migrations.Migration):
    dependencies = [("treaties", "0020_trigram_search_indexes")]

    operations = [UnaccentExtension(), migrations.RunPython(create, drop)]
