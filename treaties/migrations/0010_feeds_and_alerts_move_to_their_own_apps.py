"""Feeds and alerts move to apps of their own (`feeds`, `alerts`); their tables stay where they are.

Only Django's idea of which app owns the models changes (state only, no SQL): the new apps' first migrations
take them up with `Meta.db_table` naming the same tables. The content types move with them, so every
permission, and the Editors group's grants on feed sources and review queues, carry over unchanged; the
grants are then re-checked by codename.
"""

from django.db import migrations

MOVED = {
    "feeds": ["feedsource", "treatymention", "deadlinesuggestion"],
    "alerts": ["subscription", "subscriptioncategory", "reminderdelivery", "heartbeat"],
}
# As granted by 0008; subscribers' data (alerts) is never the Editors' to see.
EDITOR_PERMISSIONS = [f"{action}_feedsource" for action in ("add", "change", "delete", "view")] + [
    f"{action}_{model}" for model in ("treatymention", "deadlinesuggestion") for action in ("change", "view")
]


def move_content_types(apps, schema_editor, *, source="treaties", reverse=False):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    for app_label, models in MOVED.items():
        old, new = (app_label, source) if reverse else (source, app_label)
        for model in models:
            moving = ContentType.objects.filter(app_label=old, model=model).first()
            if moving is None:
                continue
            there = ContentType.objects.filter(app_label=new, model=model).first()
            if there is not None:
                # Made already (by a post_migrate run): keep the moving one, whose permissions groups hold.
                Permission.objects.filter(content_type=there).delete()
                there.delete()
            moving.app_label = new
            moving.save(update_fields=["app_label"])
    if not reverse:
        Group = apps.get_model("auth", "Group")
        granted = Permission.objects.filter(content_type__app_label="feeds", codename__in=EDITOR_PERMISSIONS)
        for group in Group.objects.filter(name="Editors"):
            group.permissions.add(*granted)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, reverse=True)


class Migration(migrations.Migration):

    dependencies = [
        ("treaties", "0009_feed_url_is_web_link"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='deadlinesuggestion',
                    name='deadline',
                ),
                migrations.RemoveField(
                    model_name='deadlinesuggestion',
                    name='decided_by',
                ),
                migrations.RemoveField(
                    model_name='deadlinesuggestion',
                    name='statement',
                ),
                migrations.RemoveField(
                    model_name='deadlinesuggestion',
                    name='treaty',
                ),
                migrations.DeleteModel(
                    name='FeedSource',
                ),
                migrations.DeleteModel(
                    name='Heartbeat',
                ),
                migrations.RemoveField(
                    model_name='reminderdelivery',
                    name='deadline',
                ),
                migrations.RemoveField(
                    model_name='reminderdelivery',
                    name='statement',
                ),
                migrations.RemoveField(
                    model_name='reminderdelivery',
                    name='subscription',
                ),
                migrations.RemoveField(
                    model_name='reminderdelivery',
                    name='treaty',
                ),
                migrations.RemoveField(
                    model_name='subscription',
                    name='parties',
                ),
                migrations.RemoveField(
                    model_name='subscription',
                    name='treaties',
                ),
                migrations.RemoveField(
                    model_name='subscriptioncategory',
                    name='subscription',
                ),
                migrations.RemoveField(
                    model_name='treatymention',
                    name='decided_by',
                ),
                migrations.RemoveField(
                    model_name='treatymention',
                    name='statement',
                ),
                migrations.RemoveField(
                    model_name='treatymention',
                    name='treaty',
                ),
                migrations.DeleteModel(
                    name='DeadlineSuggestion',
                ),
                migrations.DeleteModel(
                    name='ReminderDelivery',
                ),
                migrations.DeleteModel(
                    name='Subscription',
                ),
                migrations.DeleteModel(
                    name='SubscriptionCategory',
                ),
                migrations.DeleteModel(
                    name='TreatyMention',
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
