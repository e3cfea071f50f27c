"""The audit log is append-only: PostgreSQL refuses UPDATE and DELETE on its rows."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION applicants_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER applicants_auditentry_append_only
    BEFORE UPDATE OR DELETE ON applicants_auditentry
    FOR EACH ROW EXECUTE FUNCTION applicants_auditentry_append_only();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS applicants_auditentry_append_only ON applicants_auditentry;
DROP FUNCTION IF EXISTS applicants_auditentry_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)  # the SQL has a literal %


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("applicants", "0003_casework")]
    operations = [migrations.RunPython(forward, backward)]
