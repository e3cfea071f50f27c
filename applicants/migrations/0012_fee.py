"""The fee schedule moves here from `billing`, rows and all (state only; 0013 renames the table)."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('applicants', '0011_casework_moves_out'),
        ('billing', '0005_bill_superseded_payment_cases'),
    ]

    state_operations = [
        migrations.CreateModel(
            name='Fee',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('product', models.CharField(choices=[('ordinary_5', 'Ordinary passport, 5 years'), ('ordinary_10', 'Ordinary passport, 10 years'), ('electronic_5', 'Electronic passport, 5 years'), ('electronic_10', 'Electronic passport, 10 years'), ('same_day', 'Same-day service (percepatan), on top'), ('lost_surcharge', 'Lost passport, on top'), ('damaged_surcharge', 'Damaged passport, on top')], max_length=20, verbose_name='product')),
                ('amount', models.PositiveIntegerField(verbose_name='amount (IDR)')),
                ('effective_from', models.DateTimeField(default=django.utils.timezone.now, verbose_name='in force from')),
                ('legal_basis', models.CharField(blank=True, max_length=100, verbose_name='legal basis')),
            ],
            options={
                'verbose_name': 'fee',
                'verbose_name_plural': 'fee schedule',
                'ordering': ['product', '-effective_from'],
                'db_table': 'billing_fee',
                'constraints': [models.UniqueConstraint(fields=('product', 'effective_from'), name='one_fee_per_product_and_start')],
            },
        ),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
