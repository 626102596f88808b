"""A status interval with nothing due stores OPEN_END as its next deadline instead of NULL (Django fills the
existing rows as it makes the column NOT NULL), so that the treaty list walks the next-deadline index up from the
day and stops after a page; and an index for the list sorted by entry into force. Both cover the day and the
status, so a walk reads the index alone."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('treaties', '0023_status_counts_and_indexes'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='statusinterval',
            name='status_interval_next_idx',
        ),
        # Backwards, the rows get their NULL back once the column takes it again.
        migrations.RunSQL(migrations.RunSQL.noop, "UPDATE treaties_statusinterval SET next_deadline = NULL "
                                                  "WHERE next_deadline = '9999-12-31'"),
        migrations.AlterField(
            model_name='statusinterval',
            name='next_deadline',
            field=models.DateField(default='9999-12-31'),
        ),
        migrations.AddIndex(
            model_name='statusinterval',
            index=models.Index(fields=['next_deadline'], include=('treaty', 'starts_on', 'ends_on', 'code', 'suspended', 'entry_into_force'), name='status_interval_next_idx'),
        ),
        migrations.AddIndex(
            model_name='statusinterval',
            index=models.Index(fields=['entry_into_force'], include=('treaty', 'starts_on', 'ends_on', 'code', 'suspended', 'next_deadline'), name='status_interval_entry_idx'),
        ),
    ]
