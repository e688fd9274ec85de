"""'Var denne siden nyttig?': the answer from the block at the end of a page (see
portal/feedback/page_rating.py for why it has no CSRF token), and the thank-you page."""

import math
from urllib.parse import urlencode

from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from portal.feedback import page_rating, services

TEMPLATES = "portal/feedback"


def _answer_page(request, status, problem, page=None, retry_minutes=0):
    """The form again, with what the reader wrote, and what went wrong."""
    return render(
        request,
        f"{TEMPLATES}/page_rating_problem.html",
        {
            "problem": problem,
            "page": page,
            "comment": (request.POST.get("kommentar") or "")[:5000],
            "answer": request.POST.get("svar", ""),
            "retry_minutes": retry_minutes,
        },
        status=status,
    )


@csrf_exempt  # checked by page_rating.same_origin instead: the block is in cached pages
@never_cache
@require_POST
def page_rating_view(request):
    page = page_rating.rated_page(request.POST.get("side"))
    if not page_rating.same_origin(request):
        return _answer_page(request, 403, "origin", page)
    try:
        page, useful, comment = page_rating.clean(request.POST)
    except page_rating.InvalidRating as error:
        return _answer_page(request, 400, str(error), page)
    decision = services.check_rate_limit(
        request, scope="page-rating", setting="PAGE_RATING_RATE_LIMIT"
    )
    if not decision.allowed:
        minutes = math.ceil(decision.retry_after / 60)
        response = _answer_page(request, 429, "rate", page, retry_minutes=minutes)
        response["Retry-After"] = str(decision.retry_after)
        return response
    page_rating.record(page, useful, comment)
    query = urlencode({"side": page.url, "svar": "ja" if useful else "nei"})
    return redirect(f"{reverse('portal:page_rating_thanks')}?{query}", permanent=False)


@never_cache
@require_safe
def page_rating_thanks(request):
    page = page_rating.rated_page(request.GET.get("side"))
    return render(
        request,
        f"{TEMPLATES}/page_rating_thanks.html",
        {"page": page, "useful": request.GET.get("svar") == "ja"},
    )
