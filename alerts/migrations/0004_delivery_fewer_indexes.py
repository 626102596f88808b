"""Reminder rows are the bulk of this table (a scan can insert hundreds of thousands): no index of their own on
the deadline (every read by deadline is of reminders, which delivery_armed_idx serves, or of a subscriber's change
notices, which delivery_one_change_notice serves) and the statement index only where a statement is set. Two
index entries fewer for every reminder a scan writes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('alerts', '0003_armed_ranges'),
    ]

    operations = [
        migrations.AlterField(
            model_name='reminderdelivery',
            name='deadline',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='treaties.deadline'),
        ),
        migrations.AlterField(
            model_name='reminderdelivery',
            name='statement',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='treaties.statement'),
        ),
        migrations.AddIndex(
            model_name='reminderdelivery',
            index=models.Index(condition=models.Q(('statement__isnull', False)), fields=['statement'], name='delivery_statement_idx'),
        ),
    ]
