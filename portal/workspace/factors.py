"""The self-assessment's critical factors: three per step, each scored 0-5.

The factors are reviewed text kept in content/assessment.yaml (bokmål and nynorsk), read once per
process and never from the database. A factor's `key` is stable: scores are stored by it, so a
key is never renamed (a new wording keeps the key; a new factor gets a new key).
"""

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.conf import settings
from django.utils.translation import get_language

STEP_SLUGS = ("analyse", "organisering", "visjon", "prioriteringer", "policy-mix", "monitorering")
FACTORS_PER_STEP = 3
SCORES = tuple(range(6))  # 0..5

FACTOR_KEYS = {"key", "step", "anchor", "title", "question", "levels", "nn"}
NN_KEYS = {"title", "question", "levels"}


def default_path() -> Path:
    return Path(settings.CONTENT_DIR) / "assessment.yaml"


def _nynorsk() -> bool:
    return (get_language() or "").split("-")[0] == "nn"


@dataclass(frozen=True)
class Level:
    score: int
    text_nb: str
    text_nn: str

    @property
    def text(self) -> str:
        return self.text_nn if _nynorsk() else self.text_nb


@dataclass(frozen=True)
class Factor:
    key: str
    step_slug: str
    title_nb: str
    title_nn: str
    question_nb: str
    question_nn: str
    guide_anchor: str
    levels: tuple[Level, ...]

    @property
    def title(self) -> str:
        return self.title_nn if _nynorsk() else self.title_nb

    @property
    def question(self) -> str:
        return self.question_nn if _nynorsk() else self.question_nb

    @property
    def guide_url(self) -> str:
        """The path of the part of the step's page that helps most (language prefix added)."""
        prefix = "/nn" if _nynorsk() else ""
        return f"{prefix}/steg/{self.step_slug}/#{self.guide_anchor}"


class FactorFileError(ValueError):
    """content/assessment.yaml is not as content/README.md describes it."""

    def __init__(self, path: Path, where: str, message: str):
        super().__init__(f"{path}: {where}: {message}")


def _text(path, where, mapping, name) -> str:
    value = mapping.get(name)
    if not isinstance(value, str) or not value.strip():
        raise FactorFileError(path, where, f"'{name}' must be a non-empty text")
    return value.strip()


def _levels(path, where, value) -> list[str]:
    if not isinstance(value, list) or len(value) != len(SCORES):
        raise FactorFileError(path, where, f"'levels' must list exactly {len(SCORES)} texts (0-5)")
    for score, text in enumerate(value):
        if not isinstance(text, str) or not text.strip():
            raise FactorFileError(path, where, f"level {score} must be a non-empty text")
    return [text.strip() for text in value]


def _factor(path: Path, index: int, entry) -> Factor:
    if not isinstance(entry, dict):
        raise FactorFileError(path, f"entry {index + 1}", "each factor must be a mapping")
    key = entry.get("key")
    if not isinstance(key, str) or not key.strip():
        raise FactorFileError(path, f"entry {index + 1}", "'key' is missing")
    where = f"factor '{key}'"
    unknown = set(entry) - FACTOR_KEYS
    if unknown:
        raise FactorFileError(path, where, f"unknown keys: {', '.join(sorted(unknown))}")
    step = entry.get("step")
    if step not in STEP_SLUGS:
        known = ", ".join(STEP_SLUGS)
        raise FactorFileError(path, where, f"unknown step '{step}' (one of {known})")
    nn = entry.get("nn")
    if not isinstance(nn, dict):
        raise FactorFileError(path, where, "'nn' (the nynorsk text) is missing")
    unknown = set(nn) - NN_KEYS
    if unknown:
        raise FactorFileError(path, where, f"unknown keys in 'nn': {', '.join(sorted(unknown))}")
    levels_nb = _levels(path, where, entry.get("levels"))
    levels_nn = _levels(path, f"{where} (nn)", nn.get("levels"))
    return Factor(
        key=key,
        step_slug=step,
        title_nb=_text(path, where, entry, "title"),
        title_nn=_text(path, f"{where} (nn)", nn, "title"),
        question_nb=_text(path, where, entry, "question"),
        question_nn=_text(path, f"{where} (nn)", nn, "question"),
        guide_anchor=_text(path, where, entry, "anchor"),
        levels=tuple(
            Level(score, nb, nn) for score, nb, nn in zip(SCORES, levels_nb, levels_nn, strict=True)
        ),
    )


def load_factors(path: Path) -> tuple[Factor, ...]:
    """Read and check the file; in step order, then in the file's order within each step."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise FactorFileError(path, "YAML", str(error)) from error
    if not isinstance(data, list):
        raise FactorFileError(path, "top level", "must be a list of factors")
    factors = [_factor(path, index, entry) for index, entry in enumerate(data)]
    seen = set()
    for factor in factors:
        if factor.key in seen:
            raise FactorFileError(path, f"factor '{factor.key}'", "the key is used twice")
        seen.add(factor.key)
    for step in STEP_SLUGS:
        count = sum(1 for factor in factors if factor.step_slug == step)
        if count != FACTORS_PER_STEP:
            raise FactorFileError(
                path, f"step '{step}'", f"has {count} factors, must have {FACTORS_PER_STEP}"
            )
    return tuple(sorted(factors, key=lambda factor: STEP_SLUGS.index(factor.step_slug)))


@functools.cache
def all_factors() -> tuple[Factor, ...]:
    return load_factors(default_path())


def factors_for_step(step_slug: str) -> tuple[Factor, ...]:
    return tuple(factor for factor in all_factors() if factor.step_slug == step_slug)


def get_factor(key: str) -> Factor:
    for factor in all_factors():
        if factor.key == key:
            return factor
    raise KeyError(key)
