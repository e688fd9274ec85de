"""Keeps the page cache honest: any change to what public pages show bumps the content version.

A signal rather than code in each save path, because content changes through the admin, its
actions, history reverts, the importer and the shell alike, and a missed path would serve stale
pages.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from portal.cache import bump_content_version
from portal.models import (
    Chapter,
    Consultation,
    ConsultationQuestion,
    ExampleCase,
    GlossaryTerm,
    Page,
    ProcessStep,
    Source,
    Theme,
)

PUBLIC_MODELS = (
    Chapter,
    Consultation,
    ConsultationQuestion,
    ExampleCase,
    GlossaryTerm,
    Page,
    ProcessStep,
    Source,
    Theme,
)


def _content_changed(sender, **kwargs):
    bump_content_version()


def connect() -> None:
    for model in PUBLIC_MODELS:
        post_save.connect(_content_changed, sender=model, dispatch_uid=f"page-cache-{model}")
        post_delete.connect(_content_changed, sender=model, dispatch_uid=f"page-del-{model}")
    for relation in (Chapter.steps, ExampleCase.steps, ExampleCase.themes, ExampleCase.sources):
        m2m_changed.connect(
            _content_changed, sender=relation.through, dispatch_uid=f"page-m2m-{relation}"
        )
