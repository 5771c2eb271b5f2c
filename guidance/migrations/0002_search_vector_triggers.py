"""Keep each search_vector filled by a PostgreSQL trigger, and GIN-index it.

Weights: A for titles and labels, B for bodies, C for supporting fields. SQLite has no
full-text columns, so on SQLite this migration does nothing and search falls back to icontains.
"""

from django.db import migrations

CONFIG = "pg_catalog.english"

# table -> {weight: [text expressions on NEW]}
TABLES = {
    "guidance_section": {"A": ["NEW.title"], "B": ["NEW.body"]},
    "guidance_theme": {
        "A": ["NEW.title"],
        "B": ["NEW.summary", "NEW.key_messages", "NEW.why_it_matters"],
    },
    "guidance_practicepoint": {"A": ["NEW.title"], "B": ["NEW.body"]},
    "guidance_keyfact": {
        "A": ["NEW.label", "trim_scale(NEW.value)::text"],
        "B": ["NEW.note"],
        "C": ['NEW."group"', "NEW.unit"],
    },
    "guidance_resource": {"A": ["NEW.title"], "B": ["NEW.description"]},
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
        ("guidance", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers),
    ]
