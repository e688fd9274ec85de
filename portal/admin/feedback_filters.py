"""List filters of the input admin."""

from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.models import Feedback


class SectionFilter(admin.SimpleListFilter):
    """Input grouped by the chapter or step, and the section, it was given on."""

    title = _("del av veilederen")
    parameter_name = "del"
    WHOLE_GUIDE = "hele"

    def lookups(self, request, model_admin):
        rows = sorted(
            set(
                Feedback.objects.order_by().values_list(
                    "chapter_id",
                    "chapter__order",
                    "chapter__title",
                    "step_id",
                    "step__order",
                    "step__name",
                    "section_anchor",
                    "section_title",
                )
            ),
            key=lambda row: (row[1] is None, row[1] or 0, row[4] or 0, row[6]),
        )
        choices = [(self.WHOLE_GUIDE, gettext("Hele veilederen"))]
        seen = set()
        for chapter_id, _c, chapter_title, step_id, _s, step_name, anchor, section_title in rows:
            if chapter_id:
                page_value = f"kapittel:{chapter_id}"
                page_label = gettext("Kapittel: %(title)s") % {"title": chapter_title}
            elif step_id:
                page_value = f"steg:{step_id}"
                page_label = gettext("Steg: %(title)s") % {"title": step_name}
            else:
                continue
            if page_value not in seen:
                seen.add(page_value)
                choices.append((page_value, page_label))
            if anchor and f"{page_value}:{anchor}" not in seen:
                seen.add(f"{page_value}:{anchor}")
                choices.append((f"{page_value}:{anchor}", f"{page_label} › {section_title}"))
        return choices

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if value == self.WHOLE_GUIDE:
            return queryset.filter(chapter__isnull=True, step__isnull=True)
        kind, _, rest = value.partition(":")
        page_id, _, anchor = rest.partition(":")
        if kind not in ("kapittel", "steg") or not page_id.isdigit():
            return queryset.none()
        field = "chapter_id" if kind == "kapittel" else "step_id"
        queryset = queryset.filter(**{field: int(page_id)})
        return queryset.filter(section_anchor=anchor) if anchor else queryset
