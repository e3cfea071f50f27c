# A booking's NIK is stored as 16 ASCII digits, and the database refuses any other form.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('queueing', '0002_booking_nik_in_ascii'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='booking',
            constraint=models.CheckConstraint(condition=models.Q(('nik__regex', '^[0-9]{16}$')), name='booking_nik_stored_form'),
        ),
    ]
