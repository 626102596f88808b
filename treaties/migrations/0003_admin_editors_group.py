"""The "Editors" group: exactly the permissions to edit tracker data.

The models are listed by name on purpose: models added later (subscribers'
personal data) must not be granted by a migration that predates them.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
TRACKER_DATA_MODELS = ["party", "treaty", "treatyalias", "treatyevent", "deadline", "statement"]
ACTIONS = ["add", "change", "delete", "view"]


def create_editors(apps, schema_editor):
    # Permissions are normally created after all migrations have run; make
    # sure they exist now, on a fresh database too.
    app_config = apps.get_app_config("treaties")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_{model}" for model in TRACKER_DATA_MODELS for action in ACTIONS]
    permissions = Permission.objects.filter(content_type__app_label="treaties", codename__in=codenames)
    assert permissions.count() == len(codenames), "a tracker-data permission is missing"
    group, _ = Group.objects.get_or_create(name=EDITORS)
    group.permissions.set(permissions)


def remove_editors(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("treaties", "0002_admin_history_and_deadline_key"),
    ]

    operations = [migrations.RunPython(create_editors, remove_editors)]
