"""The self-assessment's factors: content/assessment.yaml as the workspace reads it."""

import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.utils import translation

from portal.workspace import factors
from portal.workspace.factors import (
    STEP_SLUGS,
    FactorFileError,
    all_factors,
    factors_for_step,
    get_factor,
    load_factors,
)

REAL_FILE = Path(settings.CONTENT_DIR) / "assessment.yaml"
STEP_FILES = sorted((Path(settings.CONTENT_DIR) / "steps").glob("[1-6]-*.md"))


def real_entries() -> list[dict]:
    return yaml.safe_load(REAL_FILE.read_text(encoding="utf-8"))


def write(tmp_path, entries) -> Path:
    path = tmp_path / "assessment.yaml"
    path.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
    return path


def test_eighteen_factors_three_per_step_in_step_order():
    loaded = all_factors()
    assert len(loaded) == 18
    assert [f.step_slug for f in loaded] == [slug for slug in STEP_SLUGS for _ in range(3)]
    assert len({f.key for f in loaded}) == 18
    for factor in loaded:
        assert [level.score for level in factor.levels] == [0, 1, 2, 3, 4, 5]
    assert factors_for_step("visjon") == loaded[6:9]
    assert factors_for_step("ukjent") == ()
    assert all_factors() is all_factors()  # read once per process


def test_step_slugs_are_the_guides_steps():
    fronts = [p.read_text(encoding="utf-8").split("---")[1] for p in STEP_FILES]
    slugs = [yaml.safe_load(front)["slug"] for front in fronts]
    assert tuple(slugs) == STEP_SLUGS


def test_get_factor():
    assert get_factor("analyse-dialog").step_slug == "analyse"
    with pytest.raises(KeyError):
        get_factor("finnes-ikke")


def test_the_active_language_picks_the_text():
    factor = get_factor("organisering-innspill")
    with translation.override("nb"):
        assert factor.title == "Innspill blir fulgt opp"
        assert factor.levels[0].text == factor.levels[0].text_nb
        assert factor.guide_url == "/steg/organisering/#vanlige-fallgruver"
    with translation.override("nn"):
        assert factor.title == "Innspel blir følgde opp"
        assert factor.levels[0].text == factor.levels[0].text_nn
        assert factor.question == factor.question_nn
        assert factor.guide_url == "/nn/steg/organisering/#vanlige-fallgruver"


def test_nynorsk_is_written_out_and_not_the_bokmal_text():
    for factor in all_factors():
        assert factor.title_nn and factor.question_nn
        assert factor.question_nn != factor.question_nb, factor.key
        for level in factor.levels:
            assert level.text_nn and level.text_nn != level.text_nb, (factor.key, level.score)
        # A few bokmål forms that have no place in nynorsk text (docs/nynorsk.md).
        levels = [level.text_nn for level in factor.levels]
        nynorsk = " ".join([factor.title_nn, factor.question_nn, *levels])
        for word in ("ikke", "hva", "hvordan", "hvorfor", "noen", "bare", "innspill", "virkemidl"):
            assert not re.search(rf"\b{word}", nynorsk, re.IGNORECASE), (factor.key, word)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["nb", "nn"])
def test_every_guide_anchor_is_a_heading_on_its_step_page(client, language):
    from portal.content import import_content

    import_content(settings.CONTENT_DIR)
    prefix = "/nn" if language == "nn" else ""
    for step in STEP_SLUGS:
        html = client.get(f"{prefix}/steg/{step}/").content.decode()
        ids = set(re.findall(r'<h[23][^>]* id="([^"]+)"', html))
        for factor in factors_for_step(step):
            assert factor.guide_anchor in ids, (step, factor.key, sorted(ids))


@pytest.mark.parametrize(
    ("break_it", "message"),
    [
        (lambda e: e[4].update(step="analysen"), "factor 'organisering-styring': unknown step"),
        (lambda e: e[5].update(key="organisering-styring"), "the key is used twice"),
        (lambda e: e.pop(2), "step 'analyse': has 2 factors, must have 3"),
        (lambda e: e[0]["levels"].pop(), "factor 'analyse-kunnskapsgrunnlag': 'levels' must list"),
        (lambda e: e[1]["levels"].__setitem__(3, "  "), "factor 'analyse-dialog': level 3 must"),
        (lambda e: e[7]["nn"]["levels"].pop(), "factor 'visjon-oppslutning' (nn): 'levels'"),
        (lambda e: e[8]["nn"].update(title=""), "factor 'visjon-mal' (nn): 'title' must"),
        (lambda e: e[9].pop("nn"), "factor 'prioriteringer-kriterier': 'nn'"),
        (lambda e: e[10].update(titel="x"), "'prioriteringer-fa-omrader': unknown keys: titel"),
        (lambda e: e[11].pop("anchor"), "factor 'prioriteringer-fornyelse': 'anchor' must"),
        (lambda e: e[12].pop("key"), "entry 13: 'key' is missing"),
    ],
)
def test_a_broken_file_fails_loudly_with_file_and_key(tmp_path, break_it, message):
    entries = real_entries()
    break_it(entries)
    path = write(tmp_path, entries)
    with pytest.raises(FactorFileError) as error:
        load_factors(path)
    assert str(path) in str(error.value)
    assert message in str(error.value)


def test_a_file_that_is_not_yaml_fails_loudly(tmp_path):
    path = tmp_path / "assessment.yaml"
    path.write_text("- key: [unclosed\n", encoding="utf-8")
    with pytest.raises(FactorFileError, match=r"assessment\.yaml: YAML"):
        load_factors(path)


def test_the_real_file_loads_through_the_same_checks():
    assert load_factors(REAL_FILE) == all_factors()
    assert factors.default_path() == REAL_FILE
