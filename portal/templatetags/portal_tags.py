import datetime as dt
import functools
import re
from urllib.parse import urlsplit

from django import template
from django.conf import settings
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, override
from django.utils.translation import gettext_lazy as _

from portal import markdown, reading, text, translation
from portal.feedback import sections
from portal.models import Consultation, Edition
from portal.models.page_rating import COMMENT_MAX_LENGTH
from portal.staff import is_verified_staff

register = template.Library()


@register.filter
def rendered(text):
    """The rendered document: `.html` (sanitised) and `.toc` (headings for a contents list)."""
    return markdown.render(text)


@register.filter
def shown_in_bokmal(obj) -> bool:
    """Under /nn/, the object has no nynorsk text and is shown in bokmål (its fallback)."""
    return translation.shown_in_bokmal(obj, get_language())


@register.simple_tag
def fallback_lang(obj) -> str:
    """` lang="nb"` on the element around an object shown in bokmål on a nynorsk page."""
    return mark_safe(' lang="nb"') if shown_in_bokmal(obj) else ""


@register.filter(name="markdown")
def markdown_filter(text):
    return markdown.render_markdown(text)


# Main navigation: (label, url name, the views that belong under it).
MAIN_NAVIGATION = (
    (_("Veilederen"), "portal:chapter_list", {"chapter_list", "chapter_detail"}),
    (_("De seks stegene"), "portal:step_list", {"step_list", "step_detail", "workshop_sheet"}),
    (_("Eksempler"), "portal:example_list", {"example_list", "example_detail"}),
    (_("Begreper"), "portal:glossary", {"glossary"}),
    (_("Kilder"), "portal:source_list", {"source_list"}),
    (_("Gi innspill"), "portal:feedback_index", None),  # None: every view named feedback_*
)


@register.inclusion_tag("includes/main_navigation.html", takes_context=True)
def main_navigation(context):
    match = getattr(context.get("request"), "resolver_match", None)
    current = match.url_name if match and match.app_name == "portal" else ""
    return {"items": _navigation_items(current, get_language(), get_script_prefix())}


@functools.lru_cache(maxsize=128)  # per view name and language: a few dozen in all
def _navigation_items(current: str, language: str, script_prefix: str) -> tuple[dict, ...]:
    items = []
    for label, url_name, views in MAIN_NAVIGATION:
        is_current = current.startswith("feedback") if views is None else current in views
        is_page = is_current and current == url_name.split(":")[1]
        items.append(
            {"label": str(label), "url": reverse(url_name), "current": is_current, "page": is_page}
        )
    return tuple(items)


@register.inclusion_tag("includes/breadcrumbs.html")
def breadcrumbs(*trail):
    """`{% breadcrumbs "Veilederen" list_url chapter.title %}`: label/URL pairs, then the page."""
    *pairs, current = trail
    links = [{"label": _("Forside"), "url": reverse("portal:home")}]
    links += [{"label": pairs[i], "url": pairs[i + 1]} for i in range(0, len(pairs), 2)]
    return {"links": links, "current": current}


# The pages that end with the feedback block, and the context name of the page whose sections a
# reader may choose (portal/feedback/sections.py).
PAGE_FEEDBACK_VIEWS = {
    "home": None,
    "chapter_list": None,
    "chapter_detail": "chapter",
    "guide_whole": None,
    "step_list": None,
    "step_detail": "step",
    "workshop_sheet": None,
    "example_list": None,
    "example_detail": None,
    "glossary": None,
    "source_list": None,
    "short_version": None,
    "page_detail": None,
}


@register.inclusion_tag("includes/page_feedback.html", takes_context=True)
def page_feedback(context):
    """One block at the end of a reading page: while a round is open, the way to the input form
    (naming the page, and a section chosen from a list); else "Var denne siden nyttig?"."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    url_name = match.url_name if match and match.app_name == "portal" else None
    if url_name not in PAGE_FEEDBACK_VIEWS:
        return {"shown": False}

    def is_open() -> bool:
        return Consultation.objects.open_now().exists()

    round_open = (
        reading.remembered(request, "round-open", build=is_open)
        if _is_reader(request)
        else is_open()
    )
    found = {"shown": True, "round_open": round_open, "path": request.path}
    page = context.get(PAGE_FEEDBACK_VIEWS[url_name] or "", None)
    found["form_url"] = reverse("portal:feedback_index")
    if round_open and page is not None:
        found["sections"] = sections.page_sections(page)
        (found["page_param"], found["page_slug"]), *_ = sections.section_params(page).items()
    found["comment_days"] = settings.PAGE_RATING_COMMENT_DAYS
    found["comment_max"] = COMMENT_MAX_LENGTH
    return found


@register.simple_tag
def step_list_sections(step):
    """`{% step_list_sections step as list_sections %}`: (section, entries) for the step's lists."""
    return sections.step_list_sections(step)


@register.filter
def machine_time(value) -> str:
    """The `datetime` attribute of <time>: ISO 8601 to the second, in local time. Django's
    `date:"c"` keeps microseconds, a six-digit fraction HTML does not accept."""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(microsecond=0).isoformat()
    return value.isoformat() if isinstance(value, dt.date) else ""


@register.filter
def excerpt(value, max_chars=160):
    """A card's teaser: whole sentences up to `max_chars` (see portal.text.excerpt)."""
    return text.excerpt(value or "", int(max_chars))


@register.filter
def reading_minutes(value) -> int:
    return text.reading_minutes(value or "")


@register.simple_tag
def glossary_letters(terms):
    """`{% glossary_letters terms as letters %}`: (letters, groups) for the A–Å jump list: every
    letter with whether it has terms, and (letter, terms) for those that have."""
    groups = text.by_first_letter(terms, lambda term: term.term)
    present = {letter for letter, _ in groups}
    letters = [(letter, letter in present) for letter in text.ALPHABET]
    if text.OTHER in present:
        letters.insert(0, (text.OTHER, True))
    return {"letters": letters, "groups": groups}


@register.filter
def site_of(url) -> str:
    """The site a link leads to, as a reader names it: "regjeringen.no"."""
    host = urlsplit(url or "").hostname or ""
    return host.removeprefix("www.")


@register.filter
def is_pdf(url) -> bool:
    return urlsplit(url or "").path.lower().endswith(".pdf")


@register.filter
def latest_update(objects):
    """When the most recently changed of these objects changed: "Sist oppdatert" on lists."""
    return max((obj.updated_at for obj in objects), default=None)


# Pages of the guide that the whole-guide PDF holds, and the anchor prefix each has there: the
# addresses come from the URL patterns, so a changed pattern changes the PDF's links with it.
_PDF_TARGETS = (
    ("portal:chapter_detail", True, "kapittel"),
    ("portal:step_detail", True, "steg"),
    ("portal:example_detail", True, "eksempel"),
    ("portal:glossary", False, "begrep"),
    ("portal:source_list", False, "kilde"),
)
_SLUG_PLACEHOLDER = "pdf-slug"


@functools.cache
def _site_link() -> re.Pattern:
    # The content links to bokmål addresses (/steg/analyse/), whichever form a PDF is built in.
    with override("nb"):
        return _site_link_pattern()


def _site_link_pattern() -> re.Pattern:
    alternatives = []
    for url_name, takes_slug, _prefix in _PDF_TARGETS:
        if takes_slug:
            before, after = reverse(url_name, args=[_SLUG_PLACEHOLDER]).split(_SLUG_PLACEHOLDER)
            alternatives.append(f"{re.escape(before)}([a-z0-9-]+){re.escape(after)}")
        else:
            alternatives.append(f"{re.escape(reverse(url_name))}#([a-z0-9-]+)")
    return re.compile('href="(?:' + "|".join(alternatives) + ')"')


_LOCAL_TARGET = re.compile(r'(id="|href="#)([^"]+)"')


@register.filter
def pdf_links(rendered_html, scope=""):
    """In the whole-guide PDF, links to other parts of the guide jump inside the PDF, and the
    heading anchors of each chapter or step get `scope` in front, since the same heading
    ("Vanlige fallgruver") recurs across the guide's parts.

    Works on portal.markdown's sanitised output and only rewrites attribute values into fragments
    made of the matched characters and slug characters, so the result is as safe as the input."""

    def anchor(match):
        prefix = _PDF_TARGETS[match.lastindex - 1][2]  # one group per alternative
        return f'href="#{prefix}-{match.group(match.lastindex)}"'

    html = conditional_escape(rendered_html)  # escapes anything not already marked safe
    if scope:
        html = _LOCAL_TARGET.sub(lambda m: f'{m.group(1)}{scope}-{m.group(2)}"', html)
    return mark_safe(_site_link().sub(anchor, html))  # noqa: S308


_HEADING_TAG = re.compile(r"<(/?)h([1-5])\b")


@register.filter
def within_page(rendered_html, scope):
    """A document shown inside a longer page (the whole guide on one page): its heading anchors
    get `scope` in front, since "Vanlige fallgruver" recurs across the guide, and its headings
    go one level down, under the page's own. Works on portal.markdown's sanitised output and
    only renames heading tags and attribute values, so the result is as safe as the input."""
    html = conditional_escape(rendered_html)
    html = _LOCAL_TARGET.sub(lambda m: f'{m.group(1)}{scope}-{m.group(2)}"', html)
    html = _HEADING_TAG.sub(lambda m: f"<{m.group(1)}h{int(m.group(2)) + 1}", html)
    return mark_safe(html)  # noqa: S308


def _links(rows) -> str:
    """A list of links for a summary list's value, every label escaped by format_html."""
    draft = gettext("Utkast")
    return format_html(
        '<ul class="link-list">{}</ul>',
        format_html_join(
            "",
            '<li><a href="{}">{}</a>{}</li>',
            (
                (
                    url,
                    label,
                    format_html(' <span class="ds-tag" data-color="warning">{}</span>', draft)
                    if is_draft
                    else "",
                )
                for label, url, is_draft in rows
            ),
        ),
    )


@register.inclusion_tag("includes/summary_list.html")
def example_summary(example):
    """ "Om eksempelet" as a summary list: its steps, themes and sources, each a link."""
    list_url = reverse("portal:example_list")
    items = [
        (
            gettext("Steg"),
            _links(
                (
                    gettext("Steg %(number)s: %(name)s")
                    % {"number": step.order, "name": step.name},
                    step.get_absolute_url(),
                    step.status == "draft",
                )
                for step in example.steps.all()
            ),
        ),
        (
            gettext("Tema"),
            _links(
                (
                    gettext("%(theme)s (flere eksempler)") % {"theme": theme.name},
                    f"{list_url}?tema={theme.slug}",
                    False,
                )
                for theme in example.themes.all()
            ),
        ),
    ]
    sources = list(example.sources.all())
    if sources:
        items.append(
            (
                gettext("Kilder"),
                _links(
                    (
                        f"{source.title} ({source.year})" if source.year else source.title,
                        source.get_absolute_url(),
                        source.status == "draft",
                    )
                    for source in sources
                ),
            )
        )
    return {"items": items}


def _is_reader(request) -> bool:
    """Someone who sees what is published, whom portal.reading may serve. Not a request that
    never passed the middleware (an error page for an unreadable request), nor staff. Without a
    session cookie nobody is staff, and the session is not read (it may be in a database that is
    down: the outage page is rendered too)."""
    if request is None or not hasattr(request, "user"):
        return False
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return True
    return not is_verified_staff(request.user)


@register.inclusion_tag("includes/change_notes.html", takes_context=True)
def change_notes(context, obj):
    """Substantial changes, the newest first, as readers are told about them; minor fixes are
    not shown. For readers kept per content version (a publish makes a new one); for staff read
    afresh."""
    if obj is None or not obj.pk or obj.pk < 0:
        return {"notes": []}

    def notes():
        return list(Edition.objects.for_object(obj).change_notes().exclude(note=""))

    request = context.get("request")
    if not _is_reader(request):
        return {"notes": notes()}
    return {
        "notes": reading.remembered(request, "change-notes", obj._meta.label, obj.pk, build=notes)
    }


class ReaderFragmentNode(template.Node):
    def __init__(self, nodelist, key):
        self.nodelist, self.key = nodelist, key

    def render(self, context):
        key = self.key.resolve(context, ignore_failures=True)
        key = (key,) if isinstance(key, str) else key
        request = context.get("request")
        if not key or not _is_reader(request):
            return self.nodelist.render(context)
        return reading.remembered(
            request, "fragment", *key, build=lambda: self.nodelist.render(context)
        )


@register.tag
def reader_fragment(parser, token):
    """`{% reader_fragment key %}...{% endreader_fragment %}`: for readers, the inside rendered
    once per content version and language for each `key` (a tuple the view sets, or a string
    in the template, only around what depends on nothing but the published content and the
    language: no form token, nonce, user or query string);
    with no key, and always for staff, rendered on every request."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("reader_fragment takes one key")
    nodelist = parser.parse(("endreader_fragment",))
    parser.delete_first_token()
    return ReaderFragmentNode(nodelist, parser.compile_filter(bits[1]))
