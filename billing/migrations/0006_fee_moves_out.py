"""The fee schedule now belongs to `applicants` (state only)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('billing', '0005_bill_superseded_payment_cases'),
        ('applicants', '0012_fee'),
    ]

    state_operations = [
        migrations.DeleteModel(
            name='Fee',
        ),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
