from django.db import connection
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal import pdf
from portal.filters import filter_examples
from portal.models import (
    Chapter,
    Consultation,
    ExampleCase,
    GlossaryTerm,
    Page,
    ProcessStep,
    Source,
)
from portal.navigation import with_neighbours
from portal.search import search as run_search

RELATED_EXAMPLES = 4
SHORT_VERSION_SLUG = "kortversjon"


def _neighbours(items: list, current) -> tuple:
    index = items.index(current)
    previous = items[index - 1] if index > 0 else None
    following = items[index + 1] if index + 1 < len(items) else None
    return previous, following


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


def chapter_list(request):
    return render(
        request, "portal/chapter_list.html", {"chapters": Chapter.objects.visible_to(request.user)}
    )


def chapter_detail(request, slug):
    chapter = get_object_or_404(
        with_neighbours(Chapter.objects.visible_to(request.user)).prefetch_related("steps"),
        slug=slug,
    )
    related_examples = (
        ExampleCase.objects.published()
        .filter(steps__chapters=chapter)
        .distinct()
        .order_by("title")[:RELATED_EXAMPLES]
    )
    return render(
        request,
        "portal/chapter_detail.html",
        {"chapter": chapter, "related_examples": related_examples},
    )


def step_list(request):
    return render(
        request, "portal/step_list.html", {"steps": ProcessStep.objects.visible_to(request.user)}
    )


def _step_in_sequence(request, slug):
    steps = list(ProcessStep.objects.visible_to(request.user))
    step = next((s for s in steps if s.slug == slug), None)
    if step is None:
        raise Http404("Fant ikke steget.")
    return step, steps


def step_detail(request, slug):
    step, steps = _step_in_sequence(request, slug)
    previous, following = _neighbours(steps, step)
    return render(
        request,
        "portal/step_detail.html",
        {
            "step": step,
            "steps": steps,
            "previous": previous,
            "next": following,
            "position": steps.index(step) + 1,
            "total": len(steps),
            "examples": ExampleCase.objects.published().filter(steps=step),
            "chapters": Chapter.objects.published().filter(steps=step).only("slug", "title"),
        },
    )


def workshop_sheet(request, slug):
    step, steps = _step_in_sequence(request, slug)
    return render(
        request,
        "portal/workshop_sheet.html",
        {"step": step, "position": steps.index(step) + 1, "total": len(steps)},
    )


def _pdf_response(document: pdf.Document) -> FileResponse:
    path = pdf.cached_pdf(document)
    response = FileResponse(
        path.open("rb"), content_type="application/pdf", filename=f"{document.name}.pdf"
    )
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def workshop_sheet_pdf(request, slug):
    step = get_object_or_404(ProcessStep.objects.published(), slug=slug)
    return _pdf_response(pdf.workshop_sheet(step))


@require_GET
def guide_pdf(request):
    return _pdf_response(pdf.guide())


def short_version(request):
    page = get_object_or_404(Page.objects.visible_to(request.user), slug=SHORT_VERSION_SLUG)
    return render(request, "portal/short_version.html", {"page": page})


@require_GET
def short_version_pdf(request):
    page = get_object_or_404(Page.objects.published(), slug=SHORT_VERSION_SLUG)
    return _pdf_response(pdf.short_version(page))


def example_list(request):
    visible = ExampleCase.objects.visible_to(request.user)
    return render(
        request, "portal/example_list.html", {"filter": filter_examples(visible, request.GET)}
    )


def example_detail(request, slug):
    example = get_object_or_404(
        ExampleCase.objects.visible_to(request.user).prefetch_related("steps", "themes", "sources"),
        slug=slug,
    )
    return render(request, "portal/example_detail.html", {"example": example})


def glossary(request):
    return render(
        request, "portal/glossary.html", {"terms": GlossaryTerm.objects.visible_to(request.user)}
    )


def source_list(request):
    return render(
        request, "portal/source_list.html", {"sources": Source.objects.visible_to(request.user)}
    )


def page_detail(request, slug):
    page = get_object_or_404(Page.objects.visible_to(request.user), slug=slug)
    return render(request, "portal/page_detail.html", {"page": page})


@require_GET
def search(request):
    try:
        page = int(request.GET.get("side", "1"))
    except ValueError:
        page = 1
    results = run_search(request.GET.get("q"), page=min(max(page, 1), 1000))
    return render(request, "portal/search.html", {"results": results})


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /sok/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
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
    return JsonResponse({"status": "ok"})
