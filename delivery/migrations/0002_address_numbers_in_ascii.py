# Delivery addresses whose phone or postal code the old checks stored in other digits are
# rewritten in ASCII, before 0003 makes the database refuse any other form (a separate
# migration: see applicants 0007).

from django.db import migrations

from applicants.migrations._stored_numbers import repair

CHECKED = [
    ("deliverychoice", "phone", "^(\\+628[0-9]{7,12})?$"),
    ("deliverychoice", "postal_code", "^([0-9]{5})?$"),
]


class Migration(migrations.Migration):

    dependencies = [
        ('delivery', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(repair("delivery", CHECKED), migrations.RunPython.noop, elidable=True),
    ]
