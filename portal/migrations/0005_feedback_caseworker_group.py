from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Saksbehandler"
PERMISSIONS = [
    "view_feedback",
    "change_feedback",
    "export_feedback",
    "approve_feedback",
    "view_feedbackanswer",
    "view_guidechange",
    "add_guidechange",
    "change_guidechange",
    "delete_guidechange",
]


def create_group(apps, schema_editor):
    # Permissions are normally made after all migrations; the group needs them now.
    app_config = apps.get_app_config("portal")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    # No delete_feedback: input is official correspondence, removed only by purge_feedback.
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="portal", codename__in=PERMISSIONS)
    )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [("portal", "0004_feedback")]

    operations = [migrations.RunPython(create_group, remove_group)]
