"""System checks run by `manage.py check --deploy`: facts the ministry must still fill in.

Published pages may carry placeholders such as "[FYLLES UT AV DEPARTEMENTET: e-postadressen til
personvernombudet]" (nynorsk: FYLLAST UT) where only the ministry knows the fact; each one still
in a published page is reported until it is filled. A warning, not an error: the site may go up
with the rest, but no one can miss what is missing.
"""

import re

from django.conf import settings
from django.core import checks
from django.db import DatabaseError

from portal.models import Page

PLACEHOLDER = re.compile(r"\[FYLL(?:ES|AST) UT AV DEPARTEMENTET:\s*([^\]]*)\]")
PRIVACY_PAGE = "personvern"
TEXT_FIELDS = ("title_nb", "title_nn", "lead_nb", "lead_nn", "body_nb", "body_nn")


def placeholders_in(text: str) -> list[str]:
    return [match.group(1).strip() for match in PLACEHOLDER.finditer(text or "")]


@checks.register(checks.Tags.security, deploy=True)
def check_placeholders(app_configs=None, **kwargs):
    try:
        pages = list(Page.objects.published().only("slug", *TEXT_FIELDS).order_by("slug"))
    except DatabaseError as error:
        return [
            checks.Warning(
                f"Kunne ikke lese sidene for å se etter plassholdere: {error}",
                id="portal.W002",
            )
        ]
    found = []
    for page in pages:
        for field in TEXT_FIELDS:
            for what in placeholders_in(getattr(page, field)):
                found.append(
                    checks.Warning(
                        f"Siden /{page.slug}/ ({field}) har en plassholder som ikke er fylt ut: "
                        f"«{what}».",
                        hint="Fyll inn opplysningen i content/pages/ (eller i admin) og publiser.",
                        obj=f"/{page.slug}/",
                        id="portal.W001",
                    )
                )
    found += _retention_stated(pages)
    return found


@checks.register(checks.Tags.security, deploy=True)
def check_sender_address(app_configs=None, **kwargs):
    """Receipts go out from DEFAULT_FROM_EMAIL, which is also where bounces return (README)."""
    address = settings.DEFAULT_FROM_EMAIL
    domain = address.rpartition("@")[2].rstrip(">").lower()
    if domain.endswith((".example", ".invalid", ".test", "localhost")):
        return [
            checks.Warning(
                f"DEFAULT_FROM_EMAIL={address!r} er ikke en ekte adresse på departementets domene.",
                hint="Kvitteringer sendes fra den og returer kommer dit: se README, «Receipts by "
                "e-mail».",
                id="portal.W004",
            )
        ]
    return []


def _retention_stated(pages) -> list[checks.CheckMessage]:
    """/personvern/ names the days after which purge_feedback deletes spam and rejected input;
    a FEEDBACK_RETENTION_DAYS that differs makes the page wrong."""
    days = settings.FEEDBACK_RETENTION_DAYS
    privacy = next((page for page in pages if page.slug == PRIVACY_PAGE), None)
    if privacy is None:
        return []
    stated = {"body_nb": f"{days} dager", "body_nn": f"{days} dagar"}
    return [
        checks.Warning(
            f"/personvern/ ({field}) nevner ikke «{phrase}», men purge_feedback sletter spam og "
            f"avviste innspill etter FEEDBACK_RETENTION_DAYS={days} dager.",
            hint="Rett tallet på siden eller innstillingen, så de sier det samme.",
            obj="/personvern/",
            id="portal.W003",
        )
        for field, phrase in stated.items()
        if getattr(privacy, field) and phrase not in getattr(privacy, field)
    ]
