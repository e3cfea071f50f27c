"""The casework records move here from `applicants`, rows and all.

State only: the tables exist (created by `applicants`); 0002 gives them this app's names.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('applicants', '0010_records_move_to_core'),
        ('queueing', '0003_booking_nik_stored_in_one_form'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    state_operations = [
        migrations.CreateModel(
            name='Interview',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('photo_taken', models.BooleanField(verbose_name='photo taken')),
                ('fingerprints_taken', models.BooleanField(verbose_name='fingerprints taken')),
                ('notes', models.TextField(blank=True, verbose_name='interview notes')),
                ('recommendation', models.CharField(choices=[('approve', 'Approve'), ('refuse', 'Refuse')], max_length=8, verbose_name='recommendation')),
                ('recommendation_reason', models.CharField(blank=True, max_length=300, verbose_name='reason for the recommendation')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='recorded')),
                ('application', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='interview', to='applicants.application')),
                ('verifier', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'interview',
                'verbose_name_plural': 'interviews',
            },
        ),
        migrations.CreateModel(
            name='TravelBan',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('nik', models.CharField(blank=True, db_index=True, max_length=16, verbose_name='NIK')),
                ('full_name', models.CharField(max_length=100, verbose_name='full name')),
                ('date_of_birth', models.DateField(blank=True, null=True, verbose_name='date of birth')),
                ('authority', models.CharField(choices=[('police', 'Police'), ('prosecutor', 'Public prosecutor'), ('kpk', 'Corruption Eradication Commission (KPK)'), ('bpk', 'Audit Board (BPK)'), ('other', 'Other authority')], max_length=12, verbose_name='requested by')),
                ('reference', models.CharField(max_length=100, verbose_name='letter reference')),
                ('reason', models.CharField(blank=True, max_length=300, verbose_name='reason')),
                ('valid_until', models.DateField(blank=True, null=True, verbose_name='valid until')),
                ('is_active', models.BooleanField(default=True, verbose_name='active')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='recorded')),
                ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'travel ban',
                'verbose_name_plural': 'travel bans',
                'permissions': [('decide_travel_ban', 'Can decide on a travel-ban match')],
            },
        ),
        migrations.CreateModel(
            name='TravelBanFlag',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('matched_on', models.CharField(max_length=20, verbose_name='matched on')),
                ('status', models.CharField(choices=[('open', 'Waiting for a supervisor'), ('cleared', 'Cleared: not the same person'), ('upheld', 'Upheld: the ban applies')], default='open', max_length=8, verbose_name='status')),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('decision_reason', models.CharField(blank=True, max_length=300, verbose_name='reason for the decision')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('application', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='travel_ban_flags', to='applicants.application')),
                ('ban', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='flags', to='casework.travelban')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'travel-ban match',
                'verbose_name_plural': 'travel-ban matches',
            },
        ),
        migrations.CreateModel(
            name='Issuance',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('passport_number', models.CharField(max_length=9, unique=True, verbose_name='passport number')),
                ('approved_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='approved')),
                ('expected_ready_date', models.DateField(verbose_name='expected ready date')),
                ('valid_until', models.DateField(verbose_name='valid until')),
                ('printed_at', models.DateTimeField(blank=True, null=True, verbose_name='printed')),
                ('ready_at', models.DateTimeField(blank=True, null=True, verbose_name='ready for pickup')),
                ('handed_over_at', models.DateTimeField(blank=True, null=True, verbose_name='handed over')),
                ('collector_name', models.CharField(blank=True, max_length=100, verbose_name='collected by')),
                ('collector_relation', models.CharField(blank=True, choices=[('self', 'The applicant'), ('family', 'A family member on the same family card (KK)'), ('attorney', 'A person with power of attorney')], max_length=10, verbose_name='collector is')),
                ('collector_id_number', models.CharField(blank=True, max_length=16, verbose_name="collector's NIK")),
                ('application', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='issuance', to='applicants.application')),
                ('approved_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('handed_over_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('office', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='issuances', to='queueing.office')),
            ],
            options={
                'verbose_name': 'issued passport',
                'verbose_name_plural': 'issued passports',
                'constraints': [models.CheckConstraint(condition=models.Q(('passport_number__regex', '^[A-Z0-9]{7,9}$')), name='issuance_passport_number_stored_form'), models.CheckConstraint(condition=models.Q(('collector_id_number__regex', '^([0-9]{16})?$')), name='issuance_collector_id_number_stored_form')],
            },
        ),
        migrations.AddConstraint(
            model_name='travelban',
            constraint=models.CheckConstraint(condition=models.Q(('nik__regex', '^([0-9]{16})?$')), name='travelban_nik_stored_form'),
        ),
        migrations.AddConstraint(
            model_name='travelbanflag',
            constraint=models.UniqueConstraint(fields=('application', 'ban'), name='one_flag_per_application_and_ban'),
        ),
    ]

    state_operations += [
        migrations.AlterModelTable(name=name, table=f"applicants_{name}")
        for name in ("interview", "issuance", "travelban", "travelbanflag")
    ]
    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
