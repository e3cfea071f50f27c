"""The audit log names its application by id (no foreign key up to `applicants`), and the
moved tables take this app's names. Permissions follow their models to `core`."""

from django.db import migrations, models

MOVED = ["auditentry", "notificationdelivery", "idempotencykey"]


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="applicants", model__in=MOVED).update(app_label="core")


def back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="core", model__in=MOVED).update(app_label="applicants")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("applicants", "0010_records_move_to_core"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditentry",
            name="application",
            field=models.UUIDField(blank=True, db_column="application_id", db_index=True, null=True,
                                   verbose_name="application"),
        ),
        migrations.RenameField(model_name="auditentry", old_name="application", new_name="application_id"),
        migrations.AlterField(
            model_name="auditentry",
            name="application_id",
            field=models.UUIDField(blank=True, db_index=True, null=True, verbose_name="application"),
        ),
        migrations.AlterModelTable(name="auditentry", table=None),
        migrations.AlterModelTable(name="notificationdelivery", table=None),
        migrations.AlterModelTable(name="idempotencykey", table=None),
        migrations.RunPython(move_content_types, back),
    ]
