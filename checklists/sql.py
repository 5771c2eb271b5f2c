"""Helpers for the few reads whose SQL is written out once, because building the query with the
ORM cost more than running it. Values are converted as the ORM's compiler converts them, so each
backend gives the same Python values (SQLite returns dates as text)."""

from django.db import connection


def table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def column(model, name: str, alias: str = "") -> str:
    """A field's column, quoted, after `alias.` when there is one."""
    quoted = connection.ops.quote_name(model._meta.get_field(name).column)
    return f"{alias}.{quoted}" if alias else quoted


def columns(model, alias: str, names=None) -> tuple[list[str], list[str], list]:
    """For each field of `model` read (all its columns, or `names`): `alias.column`, the field's
    attname, and the converters for what the database returns."""
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in names] if names else model._meta.concrete_fields
    converters = []
    for field in fields:
        column = field.get_col(model._meta.db_table)
        converters.append((connection.ops.get_db_converters(column) + field.get_db_converters(connection), column))
    return [f"{alias}.{quote(field.column)}" for field in fields], [field.attname for field in fields], converters


def converted(row, converters) -> list:
    """A row's values as the ORM would give them."""
    values = []
    for value, (functions, column) in zip(row, converters, strict=True):
        for function in functions:
            value = function(value, column, connection)
        values.append(value)
    return values
