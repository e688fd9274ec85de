from django.contrib.auth.management import create_permissions
from django.db import migrations, models

# Staff who publish (the PDFs follow) and who handle input (the receipts) see failed tasks.
GROUPS = ["Publisist", "Saksbehandler"]


def allow_viewing_failed_tasks(apps, schema_editor):
    # Permissions are normally made after all migrations; the groups need this one now.
    app_config = apps.get_app_config("portal")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    view = Permission.objects.filter(content_type__app_label="portal", codename="view_failedtask")
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.add(*view)


class Migration(migrations.Migration):
    dependencies = [
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
        ("portal", "0006_search_head"),
    ]

    operations = [
        migrations.CreateModel(
            name="WorkerHeartbeat",
            fields=[
                ("worker_id", models.CharField(max_length=64, primary_key=True, serialize=False)),
                ("queues", models.CharField(max_length=200, verbose_name="køer")),
                ("seen_at", models.DateTimeField(verbose_name="sist sett")),
                (
                    "busy_since",
                    models.DateTimeField(
                        blank=True, null=True, verbose_name="kjører en oppgave siden"
                    ),
                ),
            ],
            options={
                "verbose_name": "arbeidsprosess",
                "verbose_name_plural": "arbeidsprosesser",
            },
        ),
        migrations.CreateModel(
            name="FailedTask",
            fields=[],
            options={
                "verbose_name": "oppgave som feilet",
                "verbose_name_plural": "oppgaver som feilet",
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("django_tasks_database.dbtaskresult",),
        ),
        migrations.RunPython(allow_viewing_failed_tasks, migrations.RunPython.noop),
    ]
