# Today's text is bokmål: copy each translatable column into its `_nb` column, on the objects and
# on every history row (so that reverting to an older version keeps its text). The nynorsk
# columns stay empty. Backwards, the `_nb` text goes back into the plain column, so a rollback
# keeps edits made since.

from django.db import migrations
from django.db.models import F
from django.db.models.functions import Coalesce

TRANSLATED = {
    "chapter": ("title", "lead", "body"),
    "processstep": ("name", "summary", "body", "questions", "roles", "eu_elements"),
    "examplecase": ("title", "summary", "body", "region"),
    "glossaryterm": ("term", "definition"),
    "page": ("title", "lead", "body"),
    "source": ("note",),
    "theme": ("name", "description"),
    "consultation": ("title", "introduction"),
    "consultationquestion": ("text", "help_text"),
}
HISTORY = set(TRANSLATED) - {"consultationquestion"}


def _models(apps):
    for name, fields in TRANSLATED.items():
        yield apps.get_model("portal", name), fields
        if name in HISTORY:
            yield apps.get_model("portal", f"historical{name}"), fields


def to_bokmal(apps, schema_editor):
    for model, fields in _models(apps):
        model._base_manager.update(**{f"{field}_nb": F(field) for field in fields})


def from_bokmal(apps, schema_editor):
    for model, fields in _models(apps):
        model._base_manager.update(
            **{field: Coalesce(F(f"{field}_nb"), F(field)) for field in fields}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0008_translation_fields"),
    ]

    operations = [
        migrations.RunPython(to_bokmal, from_bokmal),
    ]
