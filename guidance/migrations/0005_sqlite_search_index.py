"""On SQLite, the full-text index that search uses: FTS5 with the porter stemmer.

One table for every search source (guidance.search.SearchSource), filled and kept in step by
guidance.search (signals on each source's models, and a rebuild after every migrate). PostgreSQL
searches each model's search_vector instead, so on PostgreSQL this migration does nothing.
"""

from django.db import migrations


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute(
        "CREATE VIRTUAL TABLE guidance_search_index USING fts5("
        "source UNINDEXED, object_id UNINDEXED, title, body, extra, "
        "tokenize = 'porter unicode61 remove_diacritics 2')"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute("DROP TABLE IF EXISTS guidance_search_index")


class Migration(migrations.Migration):
    dependencies = [
        ("guidance", "0004_search_synonym"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index),
    ]
