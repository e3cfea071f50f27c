from django.db import migrations

from applicants import fees as fee_schedule


def load(apps, schema_editor):
    fee_schedule.load_pp_45_2024(apps.get_model("billing", "Fee"))


def unload(apps, schema_editor):
    Fee = apps.get_model("billing", "Fee")
    Fee.objects.filter(effective_from=fee_schedule.IN_FORCE, legal_basis=fee_schedule.PP_45_2024).delete()


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
