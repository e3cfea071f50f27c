"""The fee schedule of Government Regulation PP 45/2024 (in force December 2024).

Later changes are new rows with a later `effective_from`, added by staff in the admin.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import migrations

IN_FORCE = datetime(2024, 12, 1, tzinfo=ZoneInfo("Asia/Jakarta"))
FEES = {
    "ordinary_5": 350_000,
    "ordinary_10": 650_000,
    "electronic_5": 650_000,
    "electronic_10": 950_000,
    "same_day": 1_000_000,
    "lost_surcharge": 1_000_000,
    "damaged_surcharge": 500_000,
}


def load(apps, schema_editor):
    Fee = apps.get_model("billing", "Fee")
    for product, amount in FEES.items():
        Fee.objects.get_or_create(product=product, effective_from=IN_FORCE,
                                  defaults={"amount": amount, "legal_basis": "PP 45/2024"})  # fmt: skip


def unload(apps, schema_editor):
    apps.get_model("billing", "Fee").objects.filter(effective_from=IN_FORCE, legal_basis="PP 45/2024").delete()


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
