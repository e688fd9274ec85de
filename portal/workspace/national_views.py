"""The national picture, for ministry staff with `portal.view_national_picture` (past the
second factor). Never cached."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal.workspace import assessments, national
from portal.workspace.access import sees_national_picture


def _year(request) -> int:
    this_year = assessments.current_year()
    try:
        year = int(request.GET.get("ar", this_year))
    except ValueError:
        return this_year
    return year if 2000 <= year <= this_year + 1 else this_year


@never_cache
@require_GET
def national_picture(request):
    if not sees_national_picture(request.user):
        raise Http404
    year = _year(request)
    return render(
        request,
        "portal/workspace/national.html",
        {
            "picture": national.picture(year),
            "year": year,
            "years": list(range(assessments.current_year(), 2025, -1)),
            "levels": range(6),
        },
    )


@never_cache
@require_GET
def national_xlsx(request):
    if not sees_national_picture(request.user):
        raise Http404
    year = _year(request)
    response = HttpResponse(
        national.xlsx_bytes(national.picture(year)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="egenvurderinger-{year}.xlsx"'
    return response
