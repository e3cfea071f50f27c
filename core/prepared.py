"""Statements prepared once per database session, for the few hot paths written in SQL.

Planning a statement of several CTEs costs PostgreSQL more than running it; prepared, a
session plans it once. A prepared statement outlives the transaction that prepared it
(PREPARE is not rolled back). Behind PgBouncer in transaction mode a session is not ours to
keep state in, so there the SQL itself is sent every time.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import connection


class Prepared:
    def __init__(self, name: str, sql: str):
        self.name, self.sql = name, sql
        self.parameters = tuple(dict.fromkeys(re.findall(r"%\((\w+)\)s", sql)))

    def statement(self, cursor) -> str:
        """What to execute, with the same named parameters as `sql`."""
        if settings.DATABASE_POOLER:
            return self.sql
        # Keyed by the driver's connection: a reconnect starts a session with nothing prepared.
        session, names = getattr(connection, "prepared_statements", (None, set()))
        if session is not connection.connection:
            session, names = connection.connection, set()
            connection.prepared_statements = (session, names)
        if self.name not in names:
            positional = self.sql
            for number, name in enumerate(self.parameters, start=1):
                positional = positional.replace(f"%({name})s", f"${number}")
            cursor.execute(f"PREPARE {self.name} AS {positional}")
            names.add(self.name)
        return f"EXECUTE {self.name} ({', '.join(f'%({name})s' for name in self.parameters)})"
