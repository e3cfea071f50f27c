# Booking NIKs stored in other digits are rewritten in ASCII, before 0003 makes the database refuse
# any other form (a separate migration: see applicants 0007).

from django.db import migrations

from applicants.migrations._stored_numbers import repair


class Migration(migrations.Migration):

    dependencies = [
        ('queueing', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(repair("queueing", [("booking", "nik", "^[0-9]{16}$")]), migrations.RunPython.noop,
                             elidable=True),
    ]
