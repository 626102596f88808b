"""Treaties in name order from an index: the timeline and the list sorted by name stop after a page."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('treaties', '0024_next_deadline_open_end'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='treaty',
            index=models.Index(fields=['short_name', 'id'], name='treaty_short_name_idx'),
        ),
    ]
