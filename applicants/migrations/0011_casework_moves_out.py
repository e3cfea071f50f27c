"""The casework records now belong to `casework` (state only)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('applicants', '0010_records_move_to_core'),
        ('casework', '0001_initial'),
    ]

    state_operations = [
        migrations.RemoveField(
            model_name='issuance',
            name='application',
        ),
        migrations.RemoveField(
            model_name='issuance',
            name='approved_by',
        ),
        migrations.RemoveField(
            model_name='issuance',
            name='handed_over_by',
        ),
        migrations.RemoveField(
            model_name='issuance',
            name='office',
        ),
        migrations.RemoveField(
            model_name='travelban',
            name='created_by',
        ),
        migrations.RemoveField(
            model_name='travelbanflag',
            name='ban',
        ),
        migrations.RemoveField(
            model_name='travelbanflag',
            name='application',
        ),
        migrations.RemoveField(
            model_name='travelbanflag',
            name='decided_by',
        ),
        migrations.DeleteModel(
            name='Interview',
        ),
        migrations.DeleteModel(
            name='Issuance',
        ),
        migrations.DeleteModel(
            name='TravelBan',
        ),
        migrations.DeleteModel(
            name='TravelBanFlag',
        ),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
