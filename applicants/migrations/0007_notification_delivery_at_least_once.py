"""The outbox delivers at least once: a claim with a lease, `sent_at` after the send."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("applicants", "0006_notification_outbox"),
    ]

    operations = [
        migrations.RenameModel("NotificationSent", "NotificationDelivery"),
        migrations.AddField(
            model_name="notificationdelivery",
            name="claimed_until",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="notificationdelivery",
            name="attempts",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AlterField(
            model_name="notificationdelivery",
            name="sent_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name="notificationdelivery",
            index=models.Index(fields=["sent_at", "claimed_until"], name="applicants__sent_at_6d7fdb_idx"),
        ),
    ]
