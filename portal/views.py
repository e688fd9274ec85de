from django.db import connection
from django.db.models import Count, Q
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal.models import (
    Chapter,
    Consultation,
    ExampleCase,
    GlossaryTerm,
    Page,
    ProcessStep,
    Source,
    Theme,
)


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
            "consultation": Consultation.objects.open_now().first(),
        },
    )


def chapter_list(request):
    return render(
        request,
        "portal/chapter_list.html",
        {"chapters": Chapter.objects.visible_to(request.user)},
    )


def chapter_detail(request, slug):
    chapters = list(Chapter.objects.visible_to(request.user).only("slug", "title", "status"))
    chapter = get_object_or_404(
        Chapter.objects.visible_to(request.user).prefetch_related("steps"), slug=slug
    )
    previous, following = _neighbours(chapters, chapter)
    return render(
        request,
        "portal/chapter_detail.html",
        {"chapter": chapter, "previous": previous, "next": following},
    )


def step_list(request):
    return render(
        request, "portal/step_list.html", {"steps": ProcessStep.objects.visible_to(request.user)}
    )


def step_detail(request, slug):
    steps = list(ProcessStep.objects.visible_to(request.user))
    step = next((s for s in steps if s.slug == slug), None)
    if step is None:
        return get_object_or_404(ProcessStep.objects.none(), slug=slug)
    previous, following = _neighbours(steps, step)
    return render(
        request,
        "portal/step_detail.html",
        {
            "step": step,
            "previous": previous,
            "next": following,
            "position": steps.index(step) + 1,
            "total": len(steps),
            "examples": ExampleCase.objects.published().filter(steps=step),
        },
    )


def example_list(request):
    examples = ExampleCase.objects.visible_to(request.user)
    step_slug = request.GET.get("steg", "")
    theme_slug = request.GET.get("tema", "")
    if step_slug:
        examples = examples.filter(steps__slug=step_slug)
    if theme_slug:
        examples = examples.filter(themes__slug=theme_slug)
    published = Q(examples__status="published")
    return render(
        request,
        "portal/example_list.html",
        {
            "examples": examples.distinct().prefetch_related("steps", "themes"),
            "steps": ProcessStep.objects.published().annotate(
                count=Count("examples", filter=published, distinct=True)
            ),
            "themes": Theme.objects.annotate(
                count=Count("examples", filter=published, distinct=True)
            ),
            "selected_step": step_slug,
            "selected_theme": theme_slug,
        },
    )


def example_detail(request, slug):
    example = get_object_or_404(
        ExampleCase.objects.visible_to(request.user).prefetch_related("steps", "themes", "sources"),
        slug=slug,
    )
    return render(request, "portal/example_detail.html", {"example": example})


def glossary(request):
    return render(
        request,
        "portal/glossary.html",
        {"terms": GlossaryTerm.objects.visible_to(request.user)},
    )


def source_list(request):
    return render(
        request, "portal/source_list.html", {"sources": Source.objects.visible_to(request.user)}
    )


def page_detail(request, slug):
    page = get_object_or_404(Page.objects.visible_to(request.user), slug=slug)
    return render(request, "portal/page_detail.html", {"page": page})


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
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
