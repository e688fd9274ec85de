"""What must be right before an object goes public: every image has alt text (or is marked as
decorative), and every internal link leads to a page that exists and is published.

`publication_problems(obj)` lists what to fix, as Norwegian sentences that name the field and the
image or link; `require_publishable(obj)` raises `PublicationBlocked` with that list. The
publishing services call it on every path that makes an object public (portal/publishing/
services.py), and the admin shows the list on the form (portal/admin/publication.py).

The Markdown of each Markdown field is read in both written forms (`body_nb`, `body_nn`, see
portal/translation.py). Images and links are found in the source, outside code: inline images and
links, reference definitions, autolinks, and the raw `<img>` and `<a>` that the renderer's
allow-list keeps (portal/markdown.py). A decorative image is written `![](address)` followed by
DECORATIVE_MARKER on the same line (the editor's image button writes it); the renderer strips the
comment, so readers get `alt=""`. An empty alt without the marker is a forgotten one.

Internal links are site paths (/veileder/<slug>/, /steg/<slug>/, /eksempler/<slug>/,
/begreper/#<slug>, /kilder/#<slug>, a page's /<slug>/), with or without the nynorsk /nn prefix,
or full addresses on SITE_URL. They are resolved with Django's URL resolver, so a path that no
view answers is reported, and the object a detail address names must be published.
"""

import re
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import gettext as _
from markdownx.models import MarkdownxField

from portal.models import (
    Chapter,
    Consultation,
    ExampleCase,
    GlossaryTerm,
    Page,
    ProcessStep,
    Source,
    Status,
)

DECORATIVE_MARKER = "<!-- dekorativt -->"

# Which object a public address names: URL name -> (model, where its slug is).
_TARGETS = {
    "portal:chapter_detail": (Chapter, "slug"),
    "portal:step_detail": (ProcessStep, "slug"),
    "portal:workshop_sheet": (ProcessStep, "slug"),
    "portal:workshop_sheet_pdf": (ProcessStep, "slug"),
    "portal:workshop_sheet_pdf_a3": (ProcessStep, "slug"),
    "portal:example_detail": (ExampleCase, "slug"),
    "portal:page_detail": (Page, "slug"),
    "portal:feedback_form": (Consultation, "slug"),
    "portal:feedback_responses": (Consultation, "slug"),
    "portal:feedback_changes": (Consultation, "slug"),
    # Terms and sources have no page of their own: the fragment names them on the list.
    "portal:glossary": (GlossaryTerm, "#"),
    "portal:source_list": (Source, "#"),
}

_FENCED_CODE = re.compile(r"^[ \t]*(`{3,}|~{3,})[^\n]*\n.*?^[ \t]*\1[ \t]*$", re.M | re.S)
_INLINE_CODE = re.compile(r"(`+)(?!`).+?(?<!`)\1", re.S)
_DESTINATION = r"\(\s*<?(?P<url>[^()\s<>]*)>?(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)"
_IMAGE = re.compile(
    r"!\[(?P<alt>(?:\\.|[^\]\\])*)\]"
    rf"(?:{_DESTINATION}(?P<decorative>[ \t]*{re.escape(DECORATIVE_MARKER)})?|\[[^\]]*\])"
)
_LINK = re.compile(r"(?<![!\\])\[(?P<text>(?:\\.|[^\]\\])*)\]" + _DESTINATION)
_REFERENCE = re.compile(r"^[ \t]{0,3}\[(?!\^)[^\]]+\]:[ \t]*<?(?P<url>[^\s>]+)>?", re.M)
_AUTOLINK = re.compile(r"<(?P<url>https?://[^\s>]+)>")
_HTML_IMAGE = re.compile(r"<img\b[^>]*>", re.I)
_HTML_LINK = re.compile(r"<a\b[^>]*\bhref\s*=\s*[\"']?(?P<url>[^\"'\s>]+)", re.I)
_HTML_ATTRIBUTE = re.compile(
    r"\b(?P<name>alt|src)\s*=\s*(?:\"(?P<q>[^\"]*)\"|'(?P<s>[^']*)'|(?P<b>[^\s>]+))", re.I
)


class PublicationBlocked(ValidationError):
    """Publishing refused until the problems are fixed; `problems` are Norwegian sentences."""

    def __init__(self, problems: list[str], obj=None):
        self.problems = list(problems)
        self.obj = obj
        super().__init__(self.problems, code="publication_blocked")


def markdown_fields(obj) -> list:
    """The object's Markdown fields as stored: each translated one in both written forms."""
    fields = [f for f in obj._meta.concrete_fields if isinstance(f, MarkdownxField)]
    translated = {f.translated_field.name for f in fields if hasattr(f, "translated_field")}
    return [f for f in fields if f.name not in translated]


def publication_problems(obj, *, alongside=()) -> list[str]:
    """What stops `obj` from being published, as Norwegian sentences; [] when nothing does.

    `alongside`: objects published in the same step, so that links between them count as links
    to published pages (two new chapters that point to each other).
    """
    going_public = {(type(o), o.pk) for o in (obj, *alongside) if o.pk is not None}
    problems = []
    for field in markdown_fields(obj):
        text = getattr(obj, field.attname) or ""
        label = str(field.verbose_name)
        problems.extend(_problems_in(text, label, going_public))
    if isinstance(obj, Consultation):
        problems.extend(_kind_problem(obj))
    return problems


def _kind_problem(consultation: Consultation) -> list[str]:
    """Those who answered were told what happens to an answer in the round's kind
    (portal/feedback/rounds.py): once input has come in, the kind stays."""
    if consultation.pk is None:
        return []
    stored = Consultation.objects.filter(pk=consultation.pk).values_list("kind", flat=True).first()
    if stored is None or stored == consultation.kind or not consultation.feedback.exists():
        return []
    return [
        _(
            "Typen runde kan ikke endres fra «%(stored)s» til «%(new)s»: det har kommet "
            "innspill, og de som svarte, fikk vite hva som skjer med svaret i en %(lower)s."
        )
        % {
            "stored": Consultation.Kind(stored).label,
            "new": consultation.get_kind_display(),
            "lower": str(Consultation.Kind(stored).label).lower(),
        }
    ]


def require_publishable(obj, *, alongside=()) -> None:
    problems = publication_problems(obj, alongside=alongside)
    if problems:
        raise PublicationBlocked(problems, obj)


def _problems_in(text: str, label: str, going_public: set) -> list[str]:
    text = _INLINE_CODE.sub("", _FENCED_CODE.sub("", text.replace("\r\n", "\n")))
    problems = []
    for image in _IMAGE.finditer(text):
        address = image.group("url") or ""
        if not image.group("alt").strip() and not image.group("decorative"):
            problems.append(_missing_alt(label, address))
        if address:
            problems.extend(_link_problem(address, label, going_public, image=True))
    for tag in _HTML_IMAGE.finditer(text):
        attributes = {
            m.group("name").lower(): next(v for v in m.group("q", "s", "b") if v is not None)
            for m in _HTML_ATTRIBUTE.finditer(tag.group(0))
        }
        # In HTML an explicit alt="" is the decorative choice; a missing alt is not.
        if "alt" not in attributes:
            problems.append(_missing_alt(label, attributes.get("src", "")))
        if attributes.get("src"):
            problems.extend(_link_problem(attributes["src"], label, going_public, image=True))
    without_images = _IMAGE.sub("", text)
    for pattern in (_LINK, _REFERENCE, _AUTOLINK, _HTML_LINK):
        for link in pattern.finditer(without_images):
            problems.extend(_link_problem(link.group("url"), label, going_public))
    return list(dict.fromkeys(problems))  # each problem once, in the order of the text


def _missing_alt(label: str, address: str) -> str:
    return _(
        "«%(field)s»: bildet %(image)s mangler alternativ tekst. Skriv hva bildet viser, "
        "eller merk det som dekorativt."
    ) % {"field": label, "image": address or _("uten adresse")}


def _internal_path(address: str) -> tuple[str, str] | None:
    """(path, fragment) of an address on this site; None for another site, mail, or a
    fragment of the same page."""
    parts = urlsplit(address)
    if parts.scheme or parts.netloc:
        site = urlsplit(settings.SITE_URL)
        if parts.scheme not in ("http", "https") or parts.netloc != site.netloc:
            return None
    elif not parts.path.startswith("/") or parts.path.startswith("//"):
        return None  # relative (rare in this content) or protocol-relative
    return unquote(parts.path), unquote(parts.fragment)


def _link_problem(address: str, label: str, going_public: set, *, image=False) -> list[str]:
    internal = _internal_path(address)
    if internal is None:
        return []
    path, fragment = internal
    values = {"field": label, "link": address}
    if path.startswith(settings.MEDIA_URL):
        if default_storage.exists(path.removeprefix(settings.MEDIA_URL)):
            return []
        if image:
            return [_("«%(field)s»: bildet %(link)s finnes ikke (lenger).") % values]
        return [_("«%(field)s»: lenken %(link)s peker til en fil som ikke finnes.") % values]
    if path.startswith(settings.STATIC_URL):
        return []
    match = _resolve(path)
    if match is None:
        return [_("«%(field)s»: lenken %(link)s peker til en side som ikke finnes.") % values]
    model, where = _TARGETS.get(match.view_name, (None, None))
    if model is None:
        return []
    slug = fragment if where == "#" else match.kwargs.get(where)
    if not slug:
        return []  # the list itself (/begreper/), which is always public
    target = model.objects.filter(slug=slug).first()
    if target is None and where == "#":
        return [_("«%(field)s»: lenken %(link)s peker til noe som ikke finnes på siden.") % values]
    if target is None:
        return [_("«%(field)s»: lenken %(link)s peker til en side som ikke finnes.") % values]
    if target.status != Status.PUBLISHED and (model, target.pk) not in going_public:
        values["target"] = str(target)
        return [
            _("«%(field)s»: lenken %(link)s peker til «%(target)s», som ikke er publisert.")
            % values
        ]
    return []


def _resolve(path: str):
    """The match for a public path, bokmål or nynorsk; None when no view answers it."""
    # Nynorsk addresses are bokmål's with /nn in front (veileder/urls.py): resolve the rest.
    if path == "/nn" or path.startswith("/nn/"):
        path = path[3:] or "/"
    with translation.override(settings.LANGUAGE_CODE):
        for candidate in (path, path if path.endswith("/") else f"{path}/"):  # APPEND_SLASH
            try:
                return resolve(candidate)
            except Resolver404:
                continue
    return None


def see_instead_problem(address: str, obj=None) -> str | None:
    """Why readers cannot be sent to `address` instead of the unpublished `obj`; None when they
    can: a path on this site that a public view answers, naming a published object (not `obj`)."""
    if not address.startswith("/") or address.startswith("//"):
        return _("Skriv en adresse på nettstedet som begynner med /, for eksempel /veileder/.")
    path, fragment = _internal_path(address)
    match = _resolve(path)
    if match is None or match.namespace != "portal":
        return _("Adressen %(link)s er ikke en offentlig side.") % {"link": address}
    model, where = _TARGETS.get(match.view_name, (None, None))
    slug = fragment if where == "#" else match.kwargs.get(where) if where else None
    if obj is not None and model is type(obj) and slug and slug == obj.slug:
        return _("Leserne kan ikke sendes videre til den siden som avpubliseres.")
    problems = _link_problem(address, _("Send lesere videre til"), set())
    return problems[0] if problems else None
