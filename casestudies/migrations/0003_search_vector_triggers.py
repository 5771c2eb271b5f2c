"""Keep case-study search vectors filled by PostgreSQL triggers, and GIN-index them.

The same scheme as guidance's 0002 migration (A titles, B bodies, C supporting fields).
Nothing happens on SQLite, where search falls back to icontains.
"""

from django.db import migrations

CONFIG = "pg_catalog.english"

TABLES = {
    "casestudies_casestudy": {
        "A": ["NEW.title"],
        "B": ["NEW.summary", "NEW.what_cafcass_knew", "NEW.what_happened", "NEW.learning_intro"],
        "C": ["NEW.partnership", "NEW.review_type", "NEW.sources"],
    },
    "casestudies_learningpoint": {"B": ["NEW.text"]},
}


def vector_sql(weights):
    parts = []
    for weight, expressions in weights.items():
        text = " || ' ' || ".join(f"coalesce({expression}, '')" for expression in expressions)
        parts.append(f"setweight(to_tsvector('{CONFIG}', {text}), '{weight}')")
    return " || ".join(parts)


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, weights in TABLES.items():
        schema_editor.execute(
            f"""
            CREATE OR REPLACE FUNCTION {table}_search_vector_update() RETURNS trigger AS $$
            BEGIN
                NEW.search_vector := {vector_sql(weights)};
                RETURN NEW;
            END
            $$ LANGUAGE plpgsql;
            """
        )
        schema_editor.execute(
            f"""
            CREATE TRIGGER {table}_search_vector_trigger
            BEFORE INSERT OR UPDATE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {table}_search_vector_update();
            """
        )
        schema_editor.execute(f"CREATE INDEX {table}_search_gin ON {table} USING gin (search_vector);")
        # Fire the trigger for rows that already exist.
        schema_editor.execute(f"UPDATE {table} SET search_vector = NULL;")


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_search_gin;")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_search_vector_trigger ON {table};")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_search_vector_update();")
        schema_editor.execute(f"UPDATE {table} SET search_vector = NULL;")


class Migration(migrations.Migration):
    dependencies = [
        ("casestudies", "0002_learning_point_search_vector"),
    ]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers),
    ]
