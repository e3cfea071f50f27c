# A delivery address keeps its phone and postal code in one ASCII form, and the database refuses any other.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('delivery', '0002_address_numbers_in_ascii'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='deliverychoice',
            constraint=models.CheckConstraint(condition=models.Q(('phone__regex', '^(\\+628[0-9]{7,12})?$')), name='deliverychoice_phone_stored_form'),
        ),
        migrations.AddConstraint(
            model_name='deliverychoice',
            constraint=models.CheckConstraint(condition=models.Q(('postal_code__regex', '^([0-9]{5})?$')), name='deliverychoice_postal_code_stored_form'),
        ),
    ]
