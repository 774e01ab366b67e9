"""Writing many rows at once without building a model instance for each:
a whole form (an Excel import: some 300 values and their history) or a
synthetic national dataset. COPY on PostgreSQL, executemany elsewhere."""

from django.db import connection


def insert_rows(model, columns, rows):
    """Insert `rows` (tuples in the order of `columns`, values already in
    database form: ids, Decimals, `db_datetime(...)`) into `model`'s table.
    Returns the number of rows."""
    rows = list(rows)
    if not rows:
        return 0
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            # Django's SQLite backend binds Decimals (as text) itself.
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})", rows)
    return len(rows)


def db_datetime(value):
    return connection.ops.adapt_datetimefield_value(value)
