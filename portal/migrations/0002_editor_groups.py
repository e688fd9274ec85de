from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTENT_MODELS = [
    "chapter",
    "processstep",
    "examplecase",
    "glossaryterm",
    "source",
    "page",
    "theme",
    "consultation",
    "consultationquestion",
]
PUBLISHABLE = [m for m in CONTENT_MODELS if m not in ("theme", "consultationquestion")]


def create_groups(apps, schema_editor):
    # Permissions are normally made after all migrations; the groups need them now.
    app_config = apps.get_app_config("portal")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editing = Permission.objects.filter(
        content_type__app_label="portal",
        content_type__model__in=CONTENT_MODELS,
        codename__regex=r"^(view|add|change)_",
    )
    publishing = Permission.objects.filter(
        content_type__app_label="portal",
        codename__in=[f"publish_{m}" for m in PUBLISHABLE] + [f"delete_{m}" for m in CONTENT_MODELS],
    )
    editor, _ = Group.objects.get_or_create(name="Redaktør")
    editor.permissions.add(*editing)
    publisher, _ = Group.objects.get_or_create(name="Publisist")
    publisher.permissions.add(*editing, *publishing)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Redaktør", "Publisist"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
