"""The audit log, the outbox and idempotency keys move here from `applicants`, rows and all.

State only: the tables already exist (created by `applicants`); 0002 changes them.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("applicants", "0009_numbers_stored_in_one_form"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    state_operations = [
        migrations.CreateModel(
            name="AuditEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("action", models.CharField(db_index=True, max_length=40, verbose_name="action")),
                ("from_status", models.CharField(blank=True, max_length=16, verbose_name="from")),
                ("to_status", models.CharField(blank=True, max_length=16, verbose_name="to")),
                ("reason", models.TextField(blank=True, verbose_name="reason")),
                ("data", models.JSONField(blank=True, default=dict)),
                ("public", models.BooleanField(default=True, verbose_name="shown to the applicant")),
                ("created_at", models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="time")),
                ("actor", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                            related_name="+", to=settings.AUTH_USER_MODEL)),
                ("application", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                                  related_name="+", to="applicants.application")),
            ],
            options={"verbose_name": "audit entry", "verbose_name_plural": "audit log", "ordering": ["created_at", "id"],
                     "db_table": "applicants_auditentry"},
        ),
        migrations.CreateModel(
            name="NotificationDelivery",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("claimed_until", models.DateTimeField(blank=True, null=True)),
                ("attempts", models.PositiveSmallIntegerField(default=0)),
                ("sent_at", models.DateTimeField(blank=True, null=True)),
                ("entry", models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name="notification",
                                               to="core.auditentry")),
            ],
            options={"db_table": "applicants_notificationdelivery",
                     "indexes": [models.Index(fields=["sent_at", "claimed_until"], name="applicants__sent_at_6d7fdb_idx")]},
        ),
        migrations.CreateModel(
            name="IdempotencyKey",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(max_length=100)),
                ("fingerprint", models.CharField(max_length=64)),
                ("status_code", models.PositiveSmallIntegerField(blank=True, null=True)),
                ("response_body", models.JSONField(blank=True, null=True)),
                ("created_at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                           to=settings.AUTH_USER_MODEL)),
            ],
            options={"db_table": "applicants_idempotencykey",
                     "constraints": [models.UniqueConstraint(fields=("user", "key"), name="idempotency_key_per_user")]},
        ),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
