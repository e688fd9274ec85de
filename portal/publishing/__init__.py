"""What the public sees: the registry of public models, the shared content version, the rules
for publishing, and the published ends of relations. See registry.py, version.py, services.py
and relations.py."""

from portal.publishing.checks import PublicationBlocked, publication_problems
from portal.publishing.registry import PAGE_MODELS, PUBLIC_MODELS, PUBLIC_RELATIONS
from portal.publishing.relations import visible, with_relations
from portal.publishing.services import (
    PublishingNotAllowed,
    apply_status_change,
    can_publish,
    content_changed,
    publish,
    unpublish,
)
from portal.publishing.version import content_version

__all__ = [
    "PAGE_MODELS",
    "PUBLIC_MODELS",
    "PUBLIC_RELATIONS",
    "PublicationBlocked",
    "PublishingNotAllowed",
    "apply_status_change",
    "can_publish",
    "content_changed",
    "content_version",
    "publication_problems",
    "publish",
    "unpublish",
    "visible",
    "with_relations",
]
