import functools
import re

from django import template
from django.conf import settings
from django.urls import get_script_prefix, reverse
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, override
from django.utils.translation import gettext_lazy as _

from portal import markdown, reading, translation
from portal.feedback import sections
from portal.models import Edition
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


@register.simple_tag
def feedback_url(page, anchor=""):
    """`{% feedback_url chapter section.anchor %}`: the input form for one section of a page."""
    return sections.feedback_url(page, anchor)


@register.simple_tag
def step_list_sections(step):
    """`{% step_list_sections step as list_sections %}`: (section, entries) for the step's lists."""
    return sections.step_list_sections(step)


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
