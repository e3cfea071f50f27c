# Rows stored before numbers had one form are rewritten in ASCII, before 0009 makes the database
# refuse any other form (a separate migration: on PostgreSQL, rows updated in a transaction block
# a later ALTER TABLE in it with 'pending trigger events').

from django.db import migrations

from applicants.migrations._stored_numbers import repair

# (model, field, the form its new constraint requires)
CHECKED = [
    ("application", "nik", "^([0-9]{16})?$"),
    ("application", "kk_number", "^([0-9]{16})?$"),
    ("application", "guardian_nik", "^([0-9]{16})?$"),
    ("application", "postal_code", "^([0-9]{5})?$"),
    ("application", "phone", "^(\\+628[0-9]{7,12})?$"),
    ("application", "emergency_contact_phone", "^(\\+628[0-9]{7,12})?$"),
    ("application", "old_passport_number", "^([A-Z0-9]{7,9})?$"),
    ("issuance", "passport_number", "^[A-Z0-9]{7,9}$"),
    ("issuance", "collector_id_number", "^([0-9]{16})?$"),
    ("travelban", "nik", "^([0-9]{16})?$"),
    ("user", "phone", "^(\\+628[0-9]{7,12})?$"),
]


class Migration(migrations.Migration):

    dependencies = [
        ('applicants', '0007_notification_delivery_at_least_once'),
    ]

    operations = [
        migrations.RunPython(repair("applicants", CHECKED), migrations.RunPython.noop, elidable=True),
    ]
