import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from portal.templatetags.portal_tags import machine_time
from portal.text import excerpt, reading_minutes, word_count

LEAD = (
    "Smart spesialisering er en metode for å finne regionens styrker. "
    "Fylkeskommunen velger noen få satsinger sammen med næringsliv og forskning. "
    "Deretter følger den dem opp år for år."
)


def test_a_short_text_is_shown_whole():
    assert excerpt("Kort tekst uten punktum", 160) == "Kort tekst uten punktum"


def test_an_excerpt_ends_at_the_last_whole_sentence_that_fits():
    short = excerpt(LEAD, 150)
    assert short == (
        "Smart spesialisering er en metode for å finne regionens styrker. "
        "Fylkeskommunen velger noen få satsinger sammen med næringsliv og forskning."
    )
    assert excerpt(LEAD, 80) == "Smart spesialisering er en metode for å finne regionens styrker."


def test_a_first_sentence_too_long_is_cut_at_a_word_with_an_ellipsis():
    cut = excerpt(LEAD, 40)
    assert cut == "Smart spesialisering er en metode for å …"
    assert len(cut) <= 42


def test_sentences_may_end_with_a_question_mark_or_a_closing_quote():
    text = "Hva er «smart»? Det er «å velge.» Resten er langt nok til å bli kuttet bort her."
    assert excerpt(text, 40) == "Hva er «smart»? Det er «å velge.»"


def test_reading_time_counts_words_not_markup_or_link_targets():
    assert word_count("## Tittel\n\nEn [lenke](/veileder/om-veilederen/) og **fet** tekst.") == 6
    assert reading_minutes("ord " * 10) == 1
    assert reading_minutes("ord " * 200) == 1
    assert reading_minutes("ord " * 201) == 2
    assert reading_minutes("ord " * 1000) == 5


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            dt.datetime(2026, 11, 30, 19, 44, 36, 789266, tzinfo=dt.UTC),
            "2026-11-30T20:44:36+01:00",
        ),
        (
            dt.datetime(2026, 7, 1, 10, 0, tzinfo=ZoneInfo("Europe/Oslo")),
            "2026-07-01T10:00:00+02:00",
        ),
        (dt.date(2026, 12, 2), "2026-12-02"),
        (None, ""),
    ],
)
def test_machine_time_is_valid_html_without_a_fraction_of_a_second(value, expected):
    assert machine_time(value) == expected
