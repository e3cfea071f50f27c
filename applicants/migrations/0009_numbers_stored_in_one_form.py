# Numbers people type are stored in one ASCII form, and the database refuses any other.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('applicants', '0008_numbers_in_ascii'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='application',
            constraint=models.CheckConstraint(condition=models.Q(('nik__regex', '^([0-9]{16})?$')), name='application_nik_stored_form'),
        ),
        migrations.AddConstraint(
            model_name='application',
            constraint=models.CheckConstraint(condition=models.Q(('kk_number__regex', '^([0-9]{16})?$')), name='application_kk_number_stored_form'),
        ),
        migrations.AddConstraint(
            model_name='application',
            constraint=models.CheckConstraint(condition=models.Q(('guardian_nik__regex', '^([0-9]{16})?$')), name='application_guardian_nik_stored_form'),
        ),
        migrations.AddConstraint(
            model_name='application',
            constraint=models.CheckConstraint(condition=models.Q(('postal_code__regex', '^([0-9]{5})?$')), name='application_postal_code_stored_form'),
        ),
        migrations.AddConstraint(
            model_name='application',
            constraint=models.CheckConstraint(condition=models.Q(('phone__regex', '^(\\+628[0-9]{7,12})?$')), name='application_phone_stored_form'),
        ),
        migrations.AddConstraint(
            model_name='application',
            constraint=models.CheckConstraint(condition=models.Q(('emergency_contact_phone__regex', '^(\\+628[0-9]{7,12})?$')), name='application_emergency_contact_phone_stored_form'),
        ),
        migrations.AddConstraint(
            model_name='application',
            constraint=models.CheckConstraint(condition=models.Q(('old_passport_number__regex', '^([A-Z0-9]{7,9})?$')), name='application_old_passport_number_stored_form'),
        ),
        migrations.AddConstraint(
            model_name='issuance',
            constraint=models.CheckConstraint(condition=models.Q(('passport_number__regex', '^[A-Z0-9]{7,9}$')), name='issuance_passport_number_stored_form'),
        ),
        migrations.AddConstraint(
            model_name='issuance',
            constraint=models.CheckConstraint(condition=models.Q(('collector_id_number__regex', '^([0-9]{16})?$')), name='issuance_collector_id_number_stored_form'),
        ),
        migrations.AddConstraint(
            model_name='travelban',
            constraint=models.CheckConstraint(condition=models.Q(('nik__regex', '^([0-9]{16})?$')), name='travelban_nik_stored_form'),
        ),
        migrations.AddConstraint(
            model_name='user',
            constraint=models.CheckConstraint(condition=models.Q(('phone__regex', '^(\\+628[0-9]{7,12})?$')), name='user_phone_stored_form'),
        ),
    ]
