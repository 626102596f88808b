"""Feeds: sources, the treaties statements mention, the dates they give; statement keys for deduplication."""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

# Editors manage feed sources and decide what feeds suggest; named here, as in 0003, on purpose.
EDITOR_PERMISSIONS = [f"{action}_feedsource" for action in ("add", "change", "delete", "view")] + [
    f"{action}_{model}" for model in ("treatymention", "deadlinesuggestion") for action in ("change", "view")
]


def grant_editors(apps, schema_editor):
    app_config = apps.get_app_config("treaties")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="treaties", codename__in=EDITOR_PERMISSIONS)
    assert permissions.count() == len(EDITOR_PERMISSIONS), "a feeds permission is missing"
    group, _ = Group.objects.get_or_create(name="Editors")
    group.permissions.add(*permissions)


def revoke_editors(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name="Editors"):
        group.permissions.remove(*Permission.objects.filter(
            content_type__app_label="treaties", codename__in=EDITOR_PERMISSIONS))


class Migration(migrations.Migration):

    dependencies = [
        ('treaties', '0007_links_are_web_links'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalstatement',
            name='guid',
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=800, null=True, verbose_name='feed entry id'),
        ),
        migrations.AddField(
            model_name='historicalstatement',
            name='normalised_url',
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=800, null=True),
        ),
        migrations.AddField(
            model_name='statement',
            name='guid',
            field=models.CharField(blank=True, editable=False, max_length=800, null=True, unique=True, verbose_name='feed entry id'),
        ),
        migrations.AddField(
            model_name='statement',
            name='normalised_url',
            field=models.CharField(blank=True, editable=False, max_length=800, null=True, unique=True),
        ),
        migrations.CreateModel(
            name='FeedSource',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(help_text='The outlet, as statements name it: "TASS".', max_length=200)),
                ('url', models.URLField(max_length=800, unique=True, verbose_name='feed URL')),
                ('language', models.CharField(blank=True, help_text="BCP 47 code of the entries (en, ru); blank to take the feed's own.", max_length=8)),
                ('is_active', models.BooleanField(default=True, verbose_name='active')),
                ('fetch_interval', models.PositiveIntegerField(default=60, validators=[django.core.validators.MinValueValidator(5)], verbose_name='fetch interval (minutes)')),
                ('next_fetch_at', models.DateTimeField(blank=True, editable=False, help_text='Blank: as soon as possible.', null=True)),
                ('fetching_since', models.DateTimeField(blank=True, editable=False, null=True)),
                ('last_fetched_at', models.DateTimeField(blank=True, editable=False, null=True)),
                ('last_status', models.CharField(blank=True, choices=[('ok', 'Fetched'), ('not_modified', 'Not modified since the last fetch'), ('warning', 'Fetched, with a problem'), ('failed', 'Failed')], editable=False, max_length=12)),
                ('last_error', models.TextField(blank=True, editable=False)),
                ('last_result', models.CharField(blank=True, editable=False, max_length=300)),
                ('consecutive_failures', models.PositiveIntegerField(default=0, editable=False)),
                ('etag', models.CharField(blank=True, editable=False, max_length=500)),
                ('last_modified', models.CharField(blank=True, editable=False, max_length=100)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'ordering': ['name'],
                'indexes': [models.Index(condition=models.Q(('is_active', True)), fields=['next_fetch_at'], name='feedsource_due_idx')],
            },
        ),
        migrations.CreateModel(
            name='DeadlineSuggestion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('date', models.DateField(help_text='For a month- or year-precision date, the first day of that month or year.')),
                ('precision', models.CharField(choices=[('day', 'day'), ('month', 'month'), ('year', 'year')], default='day', max_length=5)),
                ('date_note', models.TextField(blank=True, help_text='Where sources disagree about this date, or how it was inferred.')),
                ('kind', models.CharField(choices=[('expiry', 'Expiry'), ('withdrawal_effective', 'Withdrawal takes effect'), ('extension_decision', 'Extension decision due'), ('review_conference', 'Review conference'), ('report_due', 'Report due'), ('other', 'Other')], max_length=24)),
                ('phrase', models.CharField(help_text='The words that give the date.', max_length=300)),
                ('decision', models.CharField(choices=[('pending', 'Waiting for an editor'), ('accepted', 'Accepted: deadline created'), ('dismissed', 'Dismissed')], default='pending', max_length=10)),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('deadline', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='treaties.deadline')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('statement', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deadline_suggestions', to='treaties.statement')),
                ('treaty', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deadline_suggestions', to='treaties.treaty')),
            ],
            options={
                'ordering': ['-created_at', '-id'],
                'indexes': [models.Index(condition=models.Q(('decision', 'pending')), fields=['decision'], name='suggestion_pending_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(('precision', 'day'), models.Q(('date__day', 1), ('precision', 'month')), models.Q(('date__day', 1), ('date__month', 1), ('precision', 'year')), _connector='OR'), name='suggestion_precision_matches_date', violation_error_message='A month-precision date must be the 1st of its month, a year-precision date 1 January.'), models.UniqueConstraint(fields=('statement', 'treaty', 'date', 'precision'), name='suggestion_once_per_date')],
            },
        ),
        migrations.CreateModel(
            name='TreatyMention',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('words', models.JSONField(default=list, help_text='The words in the statement that named the treaty.')),
                ('decision', models.CharField(choices=[('linked', 'Linked automatically'), ('pending', 'Waiting for an editor'), ('accepted', 'Linked by an editor'), ('rejected', 'Rejected by an editor')], max_length=10)),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('statement', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='mentions', to='treaties.statement')),
                ('treaty', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='mentions', to='treaties.treaty')),
            ],
            options={
                'ordering': ['-created_at', '-id'],
                'indexes': [models.Index(condition=models.Q(('decision', 'pending')), fields=['decision'], name='mention_pending_idx')],
                'constraints': [models.UniqueConstraint(fields=('statement', 'treaty'), name='mention_once_per_treaty')],
            },
        ),
        migrations.RunPython(grant_editors, revoke_editors),
    ]
