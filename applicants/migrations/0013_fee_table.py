"""The fee table takes this app's name; its permissions follow it to `applicants`."""

from django.db import migrations


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="billing", model="fee").update(app_label="applicants")


def back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="applicants", model="fee").update(app_label="billing")


class Migration(migrations.Migration):
    dependencies = [
        ("applicants", "0012_fee"),
        ("billing", "0006_fee_moves_out"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelTable(name="fee", table=None),
        migrations.RunPython(move_content_type, back),
    ]
