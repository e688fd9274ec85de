"""Reading order: the chapters and steps in the guide's order, and the page before and after the
one being read. Every chapter and step page needs it and it changes only when content does, so
the published order is built once per content version and written form and kept in the cache; a
staff preview, which includes drafts, builds its own."""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Value
from django.utils.translation import get_language

from portal.models import Chapter, ProcessStep, part_order
from portal.publishing import content_version


@dataclass(frozen=True)
class Entry:
    slug: str
    title: str
    url: str
    number: int  # the position in the guide's order, from 1


@dataclass(frozen=True)
class ReadingOrder:
    chapters: tuple[Entry, ...]
    steps: tuple[Entry, ...]

    @staticmethod
    def around(entries: tuple[Entry, ...], slug: str) -> tuple[Entry | None, Entry | None]:
        index = next((i for i, entry in enumerate(entries) if entry.slug == slug), None)
        if index is None:
            return None, None
        previous = entries[index - 1] if index > 0 else None
        following = entries[index + 1] if index + 1 < len(entries) else None
        return previous, following

    @staticmethod
    def inserted(
        entries: tuple[Entry, ...], index: int, slug: str, title: str, url: str
    ) -> tuple[Entry, ...]:
        """The entries with one more (a new object's staff preview) at `index`, renumbered."""
        rows = [(e.slug, e.title, e.url) for e in entries]
        rows.insert(min(index, len(rows)), (slug, title, url))
        return tuple(Entry(s, t, u, number) for number, (s, t, u) in enumerate(rows, 1))

    @staticmethod
    def find(entries: tuple[Entry, ...], slug: str) -> Entry | None:
        return next((entry for entry in entries if entry.slug == slug), None)


def _in_language(bokmal: str, nynorsk: str | None, language: str) -> str:
    # As modeltranslation reads a field: nynorsk where it is written, bokmål otherwise.
    return nynorsk if language == "nn" and nynorsk else bokmal


def _entries(rows, url) -> tuple[Entry, ...]:
    return tuple(
        Entry(slug, title, url(slug), number) for number, (slug, title) in enumerate(rows, 1)
    )


def _build(chapters, steps, language: str) -> ReadingOrder:
    # One query for both: a chapter or step page pays for it once per content version. The
    # columns are named per written form, and modeltranslation's rewriting of names is off.
    # Chapters part by part, then by order within the part (as Chapter.Meta.ordering): the
    # parts never interleave, whatever the numbers.
    rows = (
        chapters.rewrite(False)
        .annotate(kind=Value("chapter"), part_rank=part_order())
        .values_list("kind", "part_rank", "order", "title_nb", "title_nn", "slug")
        .union(
            steps.rewrite(False)
            .annotate(kind=Value("step"), part_rank=Value(0))
            .values_list("kind", "part_rank", "order", "name_nb", "name_nn", "slug")
        )
        .order_by("kind", "part_rank", "order", "title_nb")
    )
    by_kind = {"chapter": [], "step": []}
    for kind, _, _, bokmal, nynorsk, slug in rows:
        by_kind[kind].append((slug, _in_language(bokmal, nynorsk, language)))
    return ReadingOrder(
        chapters=_entries(by_kind["chapter"], _chapter_url),
        steps=_entries(by_kind["step"], _step_url),
    )


def _chapter_url(slug: str) -> str:
    return Chapter(slug=slug).get_absolute_url()


def _step_url(slug: str) -> str:
    return ProcessStep(slug=slug).get_absolute_url()


def reading_order(*, drafts: bool = False) -> ReadingOrder:
    language = get_language()
    if drafts:
        return _build(Chapter.objects.all(), ProcessStep.objects.all(), language)
    key = f"reading-order:{language}:{content_version()}"
    order = cache.get(key)
    if order is None:
        order = _build(Chapter.objects.published(), ProcessStep.objects.published(), language)
        cache.set(key, order, timeout=24 * 3600)
    return order
