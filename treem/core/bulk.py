"""Writing many rows at once without building a model instance for each:
a whole form (an Excel import: some 300 values and their history) or a
synthetic national dataset; and the few rows of one action (its history and
audit) as one plain statement, which costs a submission less than Django's
bulk_create. COPY on PostgreSQL, executemany elsewhere; one INSERT where
rows must come back."""

from django.db import connection

# Rows per INSERT with RETURNING: within SQLite's 32,766 parameters.
_PARAMETERS = 20000


def insert_rows(model, columns, rows, returning=(), skip_conflicts=False):
    """Insert `rows` (tuples in the order of `columns`, values already in
    database form: ids, Decimals, `db_datetime(...)`) into `model`'s table.
    Returns the number of rows.

    With `returning` (column names): the inserted rows' values of those
    columns, as tuples. It takes an INSERT with every value a parameter,
    which on PostgreSQL costs ten times what COPY does for hundreds of rows:
    for a few rows only. `skip_conflicts`: a row breaking a unique
    constraint is left out (and not returned), not an error."""
    rows = list(rows)
    if not rows:
        return [] if returning else 0
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(c) for c in columns)
    placeholders = f"({', '.join(['%s'] * len(columns))})"
    with connection.cursor() as cursor:
        if not returning and not skip_conflicts:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                # Django's SQLite backend binds Decimals (as text) itself.
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES {placeholders}", rows)
            return len(rows)
        # RETURNING: PostgreSQL, and SQLite from 3.35, which core.sqlite requires.
        tail = " ON CONFLICT DO NOTHING" if skip_conflicts else ""
        if returning:
            tail += f" RETURNING {', '.join(quote(c) for c in returning)}"
        step = max(1, _PARAMETERS // len(columns))
        returned, count = [], 0
        for start in range(0, len(rows), step):
            chunk = rows[start:start + step]
            cursor.execute(f"INSERT INTO {table} ({names}) VALUES {', '.join([placeholders] * len(chunk))}{tail}",
                           [value for row in chunk for value in row])
            if returning:
                returned += cursor.fetchall()
            count += cursor.rowcount
    return returned if returning else count


def insert_objects(objects):
    """Insert unsaved instances of one model, as `bulk_create` would (field
    defaults, `auto_now_add`, JSON) but in one plain statement and without
    setting their primary keys: the history and audit rows of an action."""
    objects = list(objects)
    if not objects:
        return 0
    columns, rows = _prepared(objects)
    return insert_rows(type(objects[0]), columns, rows)


def insert_unless_exists(obj):
    """Insert one unsaved instance unless a row with the same unique key
    exists (or is being inserted by a transaction that then commits): True
    and its primary key set if inserted, False if not. One statement, where
    `create` in a savepoint, to survive a colleague's insert, takes three."""
    columns, rows = _prepared([obj])
    inserted = insert_rows(type(obj), columns, rows, returning=[obj._meta.pk.column], skip_conflicts=True)
    if inserted:
        obj.pk = inserted[0][0]
        obj._state.adding, obj._state.db = False, connection.alias
    return bool(inserted)


def _prepared(objects):
    """The columns of objects' model but its primary key, and each object's
    values for them in database form (defaults and `auto_now` filled in)."""
    fields = [f for f in objects[0]._meta.concrete_fields if not f.primary_key]
    return [f.column for f in fields], [
        tuple(f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields) for obj in objects]


def db_datetime(value):
    return connection.ops.adapt_datetimefield_value(value)
