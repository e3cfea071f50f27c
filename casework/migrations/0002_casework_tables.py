"""The casework tables take this app's names; their permissions follow them to `casework`."""

from django.db import migrations

MOVED = ["interview", "issuance", "travelban", "travelbanflag"]


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="applicants", model__in=MOVED).update(app_label="casework")


def back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="casework", model__in=MOVED).update(app_label="applicants")


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0001_initial"),
        ("applicants", "0011_casework_moves_out"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        *[migrations.AlterModelTable(name=name, table=None) for name in MOVED],
        migrations.RunPython(move_content_types, back),
    ]
