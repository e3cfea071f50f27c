"""Small database helpers shared by the services."""

from django.db import connection


def set_lock_timeout(milliseconds: int) -> None:
    """Inside a transaction, wait at most this long for a row lock (PostgreSQL).

    Under a rush it is better to answer "busy, try again" quickly than to queue requests
    behind one hot row. SQLite serialises writers anyway and has no such setting.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = %s", [f"{int(milliseconds)}ms"])
