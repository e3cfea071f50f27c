"""The audit log, the outbox and idempotency keys now belong to `core` (state only)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("applicants", "0009_numbers_stored_in_one_form"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="NotificationDelivery"),
                migrations.DeleteModel(name="AuditEntry"),
                migrations.DeleteModel(name="IdempotencyKey"),
            ]
        )
    ]
