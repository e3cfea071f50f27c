"""The audit log refuses TRUNCATE too (row triggers never see it): a statement trigger.

Only a connection that says `mpaspor.audit_truncate = allowed` may empty it: the test suite's
connections do (Django's test flush truncates every table); the portal's never do. The real
defence is ownership: run migrations as the tables' owner and the portal as a role without
TRUNCATE (README, "Security").
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION core_auditentry_no_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('mpaspor.audit_truncate', true) = 'allowed' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only: TRUNCATE refused' USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditentry_no_truncate
    BEFORE TRUNCATE ON core_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION core_auditentry_no_truncate();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS core_auditentry_no_truncate ON core_auditentry;
DROP FUNCTION IF EXISTS core_auditentry_no_truncate();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_status_names_of_every_machine")]
    operations = [migrations.RunPython(forward, backward)]
