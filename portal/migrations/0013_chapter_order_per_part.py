# Chapters' order is unique within a part. A database that already has two chapters with the
# same order in one part keeps their reading order (order, then title): the later ones move down
# just enough to make room, before the constraint is added.

import django.db.models.constraints
from django.db import migrations, models


def separate_duplicate_orders(apps, schema_editor):
    Chapter = apps.get_model("portal", "Chapter")
    for part in Chapter.objects.values_list("part", flat=True).distinct():
        last = None
        for chapter in Chapter.objects.filter(part=part).order_by("order", "title", "pk"):
            if last is not None and chapter.order <= last:
                chapter.order = last + 1
                chapter.save(update_fields=["order"])
            last = chapter.order


class Migration(migrations.Migration):

    dependencies = [
        ('portal', '0012_history_relations'),
    ]

    operations = [
        migrations.RunPython(separate_duplicate_orders, migrations.RunPython.noop),
        migrations.AlterModelOptions(
            name='chapter',
            options={'ordering': [models.OrderBy(models.Case(models.When(part='innledning', then=models.Value(0)), models.When(part='hoveddel', then=models.Value(1)), default=models.Value(2), output_field=models.PositiveSmallIntegerField())), 'order'], 'permissions': [('publish_chapter', 'Kan publisere kapitler')], 'verbose_name': 'kapittel', 'verbose_name_plural': 'kapitler'},
        ),
        migrations.AddConstraint(
            model_name='chapter',
            constraint=models.UniqueConstraint(deferrable=django.db.models.constraints.Deferrable['IMMEDIATE'], fields=('part', 'order'), name='chapter_order_per_part', violation_error_message='Et annet kapittel i samme del har allerede dette nummeret i rekkefølgen.'),
        ),
    ]
