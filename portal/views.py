import functools

from django.conf import settings
from django.db import connection
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal import filters, markdown, pdf, reading, tasks
from portal.cache import dont_store, public_page
from portal.editions import preview
from portal.models import (
    SHORT_VERSION_SLUG,
    Chapter,
    Consultation,
    ExampleCase,
    GlossaryTerm,
    Page,
    ProcessStep,
    Source,
)
from portal.navigation import ReadingOrder, reading_order
from portal.publishing import visible, with_relations
from portal.search import KINDS_BY_PARAM, clean_query
from portal.search import search as run_search
from portal.staff import is_verified_staff
from portal.workbooks import build as workbooks
from portal.workspace.factors import factors_for_step

RELATED_EXAMPLES = 4


def _previews_drafts(request) -> bool:
    """Staff preview drafts at the page's own address; everyone else sees what is published."""
    return is_verified_staff(request.user)


def _shown(request, queryset):
    return queryset.all() if _previews_drafts(request) else queryset.published()


def _listed(request, queryset):
    """A list page: for staff, with each pending edition shown as it will look."""
    shown = _shown(request, queryset)
    return preview.with_editions(shown) if _previews_drafts(request) else shown


def _one(request, queryset, slug):
    """The page at `slug`: for staff its pending edition as it will look (preview), else the
    published row; a page that was public and is not raises preview.Removed (see below)."""
    return preview.find(
        request.GET, _shown(request, queryset), slug, staff=_previews_drafts(request)
    )


def shows_removals(view):
    """A page that existed and was unpublished is never a bare 404: it says so, and where to
    look instead (410), or sends the reader there when a publisher chose a redirect."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except preview.Removed as removed:
            removal = removed.removal
            if removal.redirect and removal.see_instead:
                return redirect(removal.see_instead)
            return render(request, "410.html", {"removal": removal}, status=410)

    return wrapper


@public_page
def home(request):
    return render(
        request,
        "portal/home.html",
        {
            "steps": ProcessStep.objects.published(),
            "chapters": Chapter.objects.published().only("slug", "title", "lead", "part"),
            "example_count": ExampleCase.objects.published().count(),
            "consultation": Consultation.objects.open_now().first(),
        },
    )


def _numbered_chapters(request) -> list[dict]:
    """The chapters in the guide's order, numbered from 1 across the parts, with their part."""
    return [
        {"number": number, "chapter": chapter, "part": chapter.get_part_display()}
        for number, chapter in enumerate(_shown(request, Chapter.objects), 1)
    ]


@public_page
def chapter_list(request):
    """The table of contents of the whole guide: numbered chapters, their sections, the steps."""
    chapters = _numbered_chapters(request)
    for entry in chapters:
        entry["sections"] = markdown.render(entry["chapter"].body).toc
    return render(
        request,
        "portal/chapter_list.html",
        {
            "chapters": [entry["chapter"] for entry in chapters],
            "contents": chapters,
            "steps": _shown(request, ProcessStep.objects),
        },
    )


@public_page
def guide_whole(request):
    """The whole guide on one page, to print or read offline: every chapter, then every step."""
    return render(
        request,
        "portal/guide_whole.html",
        {"contents": _numbered_chapters(request), "steps": _shown(request, ProcessStep.objects)},
    )


def _for_readers(request, name: str, slug: str, build):
    """What a reading view reads: for readers kept per content version (portal.reading), for
    staff (drafts, pending editions) read afresh on every request."""
    if _previews_drafts(request):
        return build()
    return reading.remembered(request, name, slug, build=build)


def _reading_page(request, template: str, name: str, slug: str, build) -> HttpResponse:
    """A reading page whose main content depends on the published content alone: for readers
    the data and the rendered content block are kept per content version (base.html's
    reader_fragment), the rest of the page (navigation, language links) rendered per request."""
    context = _for_readers(request, name, slug, build)
    if not _previews_drafts(request):
        context = {**context, "reader_fragment": (template, slug)}
    return render(request, template, context)


def _chapter_context(request, slug) -> dict:
    drafts = _previews_drafts(request)
    chapter = _one(request, with_relations(Chapter.objects.all(), "steps", drafts=drafts), slug)
    order = reading_order(drafts=drafts)
    previous, following = order.around(order.chapters, slug)
    # Through the chapter's shown steps only: a draft step links no example to the chapter.
    steps = list(chapter.steps.all())
    related_examples = (
        list(
            visible(ExampleCase, drafts=drafts)
            .filter(steps__in=steps)
            .distinct()
            .order_by("title")[:RELATED_EXAMPLES]
        )
        if steps
        else []
    )
    return {
        "chapter": chapter,
        "steps": steps,
        "related_examples": related_examples,
        "previous": previous,
        "next": following,
    }


@public_page
@shows_removals
def chapter_detail(request, slug):
    return _reading_page(
        request,
        "portal/chapter_detail.html",
        "chapter",
        slug,
        lambda: _chapter_context(request, slug),
    )


@public_page
def step_list(request):
    return render(request, "portal/step_list.html", {"steps": _shown(request, ProcessStep.objects)})


def _step_in_sequence(request, slug):
    step = _one(request, ProcessStep.objects, slug)
    steps = reading_order(drafts=_previews_drafts(request)).steps
    entry = ReadingOrder.find(steps, slug)
    if entry is None:  # a new step's preview (staff only): put where its order will put it
        before = ProcessStep.objects.filter(order__lte=step.order or 0).count()
        steps = ReadingOrder.inserted(steps, before, slug, step.name, step.get_absolute_url())
        entry = ReadingOrder.find(steps, slug)
    return step, steps, entry


def _step_context(request, slug) -> dict:
    drafts = _previews_drafts(request)
    step, steps, entry = _step_in_sequence(request, slug)
    previous, following = ReadingOrder.around(steps, slug)
    # The steps are a cycle: after the last, the first again, with what was learnt.
    starts_again = following is None and len(steps) > 1
    if starts_again:
        following = steps[0]
    return {
        "step": step,
        "steps": steps,
        "previous": previous,
        "next": following,
        "starts_again": starts_again,
        "position": entry.number,
        "total": len(steps),
        "examples": list(visible(ExampleCase, drafts=drafts).filter(steps=step)),
        "chapters": list(
            visible(Chapter, drafts=drafts)
            .filter(steps=step)
            .only("slug", "title", "lead", "status")
        ),
    }


@public_page
@shows_removals
def step_detail(request, slug):
    return _reading_page(
        request, "portal/step_detail.html", "step", slug, lambda: _step_context(request, slug)
    )


@public_page
@shows_removals
def workshop_sheet(request, slug):
    step, steps, entry = _step_in_sequence(request, slug)
    return render(
        request,
        "portal/workshop_sheet.html",
        {"step": step, "position": entry.number, "total": len(steps)},
    )


@public_page
@shows_removals
def assessment_sheet(request, slug):
    """The blank scoring grid of a step's critical factors, to print for a workshop."""
    step, steps, entry = _step_in_sequence(request, slug)
    sections = {heading.anchor: heading.title for heading in markdown.render(step.body).toc}
    return render(
        request,
        "portal/assessment_sheet.html",
        {
            "step": step,
            "position": entry.number,
            "total": len(steps),
            "factors": [(f, sections.get(f.guide_anchor, "")) for f in factors_for_step(slug)],
        },
    )


@public_page
@shows_removals
def step_workbook(request, slug):
    """The step's spreadsheet template, built from content/ (the page cache keeps it per content
    version). A step without one has no template: 404."""
    step = _one(request, ProcessStep.objects, slug)
    if not step.workbook:
        raise Http404
    response = HttpResponse(
        workbooks.build_workbook(step, settings.SITE_URL), content_type=workbooks.CONTENT_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{workbooks.file_name(step)}"'
    return response


PDF_RETRY_AFTER = 20  # seconds: a build of the whole guide takes 5-10


def _pdf_response(request, document: pdf.Document, title: str) -> HttpResponse:
    """The built file, never a build: the current one, else the one before while the new one is
    built, else a page that says it is being made (503, Retry-After)."""
    built = pdf.open_built(document)
    if built is None or not built.current:
        tasks.request_build(document)
    if built is None:
        response = render(request, "portal/pdf_building.html", {"title": title}, status=503)
        response["Retry-After"] = str(PDF_RETRY_AFTER)
        response["Cache-Control"] = "no-store"
        response._has_been_logged = True  # expected while a build runs: not an error to log
        return response
    response = FileResponse(
        built.handle, content_type="application/pdf", filename=document.download_name
    )
    # An older file only until the new one is built: browsers must ask again.
    response["Cache-Control"] = "public, max-age=300" if built.current else "no-cache"
    return response


# Each PDF in the written form of its address: /veileder.pdf is bokmål, /nn/veileder.pdf nynorsk.


@require_GET
def workshop_sheet_pdf(request, slug, paper="a4"):
    step = get_object_or_404(ProcessStep.objects.published(), slug=slug)
    title = gettext("Arbeidsark for %(name)s") % {"name": step.name}
    return _pdf_response(request, pdf.workshop_sheet(step, get_language(), paper), title)


@require_GET
def assessment_sheet_pdf(request, slug):
    step = get_object_or_404(ProcessStep.objects.published(), slug=slug)
    title = gettext("Vurderingsskjema for %(name)s") % {"name": step.name}
    return _pdf_response(request, pdf.assessment_sheet(step, get_language()), title)


@require_GET
def guide_pdf(request):
    document = pdf.guide(get_language())
    return _pdf_response(request, document, gettext("Smart spesialisering – veileder"))


@require_GET
def poster_pdf(request):
    if not ProcessStep.objects.published().exists():
        raise Http404
    document = pdf.poster(get_language())
    return _pdf_response(request, document, gettext("Plakat: de seks stegene"))


@public_page
@shows_removals
def short_version(request):
    page = _one(request, Page.objects, SHORT_VERSION_SLUG)
    return render(request, "portal/short_version.html", {"page": page})


@require_GET
def short_version_pdf(request):
    page = get_object_or_404(Page.objects.published(), slug=SHORT_VERSION_SLUG)
    return _pdf_response(request, pdf.short_version(page, get_language()), page.title)


@public_page(vary=("steg", "tema"))
def example_list(request):
    drafts = _previews_drafts(request)
    among = _for_readers(
        request,
        "example-choices",
        "",
        lambda: filters.choices(_shown(request, ExampleCase.objects), drafts=drafts),
    )
    chosen = filters.choose(among, request.GET)
    context = {"filter": chosen}
    if not drafts and chosen.params_known:  # one fragment per real step and theme, no more
        step, theme = chosen.step, chosen.theme
        context["reader_fragment"] = (
            "portal/example_list.html",
            step.slug if step else "",
            theme.slug if theme else "",
        )
    response = render(request, "portal/example_list.html", context)
    # An unknown step or theme is answered (as the unfiltered list) but not stored: made-up
    # values must not each fill a cache entry.
    return response if chosen.params_known else dont_store(response)


def _example(request, slug):
    return _one(
        request,
        with_relations(
            ExampleCase.objects.all(),
            "steps",
            "themes",
            "sources",
            drafts=_previews_drafts(request),
        ),
        slug,
    )


def _example_context(request, slug) -> dict:
    example = _example(request, slug)
    # The neighbours in the order of the list of examples.
    listed = list(visible(ExampleCase, drafts=_previews_drafts(request)).only("slug", "title"))
    index = next((i for i, other in enumerate(listed) if other.slug == example.slug), None)
    previous = listed[index - 1] if index else None
    following = listed[index + 1] if index is not None and index + 1 < len(listed) else None
    return {"example": example, "previous": previous, "next": following}


@public_page
@shows_removals
def example_detail(request, slug):
    return _reading_page(
        request,
        "portal/example_detail.html",
        "example",
        slug,
        lambda: _example_context(request, slug),
    )


@public_page
def glossary(request):
    return render(
        request, "portal/glossary.html", {"terms": _listed(request, GlossaryTerm.objects)}
    )


@public_page
def source_list(request):
    return render(request, "portal/source_list.html", {"sources": _listed(request, Source.objects)})


@public_page
@shows_removals
def page_detail(request, slug):
    page = _one(request, Page.objects, slug)
    return render(request, "portal/page_detail.html", {"page": page})


@require_GET
def search(request):
    try:
        page = int(request.GET.get("side", "1"))
    except ValueError:
        page = 1
    kind = KINDS_BY_PARAM.get(request.GET.get("type", ""))
    query, page, kind = request.GET.get("q"), min(max(page, 1), 1000), kind.key if kind else None

    def results_now():
        return run_search(query, page=page, kind=kind)

    # Results are of published text only, the same for every reader until the next publish.
    results = (
        results_now()
        if _previews_drafts(request)
        else reading.remembered(
            request,
            "search",
            clean_query(query),
            page,
            kind,
            build=results_now,
            shelf=reading.SEARCHES,
        )
    )
    return render(request, "portal/search.html", {"results": results})


@public_page
@require_GET
def robots_txt(request):
    # Absolute addresses come from SITE_URL alone, never from the request's Host header.
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /sok/",
        f"Sitemap: {settings.SITE_URL}{reverse('sitemap')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@never_cache
def health_live(request):
    return JsonResponse({"status": "ok"})


@never_cache
def health_ready(request):
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return JsonResponse({"status": "database unavailable"}, status=503)
    missing = tasks.queues_without_worker()
    if missing:
        reason = (
            f"no task worker seen in the last {settings.TASKS_WORKER_TIMEOUT} s "
            f"for the queue(s): {', '.join(missing)}"
        )
        return JsonResponse(
            {"status": "worker missing", "reason": reason, "queues": missing}, status=503
        )
    return JsonResponse({"status": "ok"})
