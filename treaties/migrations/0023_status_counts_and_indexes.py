"""Status counts kept as changes by day and by year (`treaties.status_counts`), so that the dashboard's counts
on any day read a few hundred rows instead of every treaty's interval; an index for its latest lapses, and one for
the few deadlines that are ranges. The counts of intervals already stored are made once every migration is
applied (`TreatiesConfig`'s post_migrate)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('treaties', '0022_drop_unused_statement_trigram_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='StatusCountChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('period', models.CharField(choices=[('day', 'day'), ('year', 'year')], max_length=4)),
                ('starts_on', models.DateField()),
                ('bucket', models.CharField(max_length=12)),
                ('change', models.IntegerField()),
            ],
        ),
        migrations.AddIndex(
            model_name='deadline',
            index=models.Index(condition=models.Q(('precision', 'range')), fields=['date_until'], name='deadline_range_idx'),
        ),
        migrations.AddIndex(
            model_name='statusinterval',
            index=models.Index(condition=models.Q(('code__in', ['expired', 'terminated', 'withdrawn'])), fields=['since'], include=('starts_on', 'ends_on'), name='status_interval_lapse_idx'),
        ),
        migrations.AddConstraint(
            model_name='statuscountchange',
            constraint=models.UniqueConstraint(fields=('period', 'starts_on', 'bucket'), name='status_count_change_unique'),
        ),
    ]
