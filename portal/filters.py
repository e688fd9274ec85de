"""The example list's filters: by step (`?steg=`) and theme (`?tema=`), with a count per value.

Each count says how many examples the reader would get by choosing that value together with the
other filter as it is now set, so a choice never leads to an empty list by surprise. An unknown
value is ignored rather than giving an empty page.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from portal.models import ExampleCase, ProcessStep, Theme
from portal.publishing import visible, with_relations


@dataclass(frozen=True)
class Option:
    slug: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class ExampleFilter:
    examples: list[ExampleCase]
    steps: list[Option]
    themes: list[Option]
    updated_at: dt.datetime | None
    params_known: bool  # every given step and theme exists: the list is what was asked for

    @property
    def step(self) -> Option | None:
        return next((o for o in self.steps if o.selected), None)

    @property
    def theme(self) -> Option | None:
        return next((o for o in self.themes if o.selected), None)

    @property
    def is_filtered(self) -> bool:
        return bool(self.step or self.theme)


@dataclass(frozen=True)
class Choices:
    """What the filters choose among: read once per content version for readers (the view keeps
    it, see portal.reading), filtered per request in memory."""

    steps: list[ProcessStep]
    themes: list[Theme]
    examples: list[ExampleCase]  # with their shown steps and themes prefetched


def choices(shown: QuerySet[ExampleCase], *, drafts: bool = False) -> Choices:
    """Five queries whatever the filters: the steps, the themes, and the shown examples with
    their steps and themes. An example's draft step is neither shown on it nor counted (a staff
    preview, `drafts`, shows it on the example); the options are the published steps and the
    themes."""
    return Choices(
        steps=list(visible(ProcessStep)),
        themes=list(visible(Theme)),
        examples=list(with_relations(shown, "steps", "themes", drafts=drafts)),
    )


def filter_examples(shown: QuerySet[ExampleCase], params, *, drafts: bool = False) -> ExampleFilter:
    return choose(choices(shown, drafts=drafts), params)


def choose(among: Choices, params) -> ExampleFilter:
    """The examples `params` ask for, with the counts: no queries, over `among`."""
    steps, themes, examples = among.steps, among.themes, among.examples
    step_slug = _known(params.get("steg"), steps)
    theme_slug = _known(params.get("tema"), themes)
    params_known = (step_slug or None) == params.get("steg") and (theme_slug or None) == params.get(
        "tema"
    )
    slugs = {
        example.pk: (
            {s.slug for s in example.steps.all()},
            {t.slug for t in example.themes.all()},
        )
        for example in examples
    }

    def matches(example, step=step_slug, theme=theme_slug) -> bool:
        example_steps, example_themes = slugs[example.pk]
        return (not step or step in example_steps) and (not theme or theme in example_themes)

    return ExampleFilter(
        examples=[e for e in examples if matches(e)],
        steps=[
            Option(
                s.slug,
                f"{s.order}. {s.name}",
                sum(matches(e, step=s.slug) for e in examples),
                s.slug == step_slug,
            )
            for s in steps
        ],
        themes=[
            Option(
                t.slug,
                t.name,
                sum(matches(e, theme=t.slug) for e in examples),
                t.slug == theme_slug,
            )
            for t in themes
        ],
        updated_at=max((e.updated_at for e in examples), default=None),
        params_known=params_known,
    )


def _known(slug: str | None, options: list) -> str:
    return slug if slug and any(option.slug == slug for option in options) else ""
