"""When a round is open: one rule, asked of a row (Consultation) or of the database (queryset)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from portal.models import Consultation, Status
from tests.conftest import make_consultation

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


@pytest.mark.parametrize(
    ("moment", "is_open", "opens_after", "has_closed"),
    [
        ("2026-11-30T23:59:59.999999+01:00", False, True, False),
        ("2026-12-01T00:00:00+01:00", True, False, False),
        ("2027-03-01T11:59:59.999999+01:00", True, False, False),
        ("2027-03-01T12:00:00+01:00", False, False, True),
    ],
)
def test_the_row_and_the_queryset_agree_at_every_boundary(moment, is_open, opens_after, has_closed):
    consultation = make_consultation(
        opens_at="2026-12-01T00:00:00+01:00", closes_at="2027-03-01T12:00:00+01:00"
    )
    moment = at(moment)
    assert consultation.is_open_at(moment) is is_open
    assert consultation.opens_after(moment) is opens_after
    assert consultation.has_closed_at(moment) is has_closed
    objects = Consultation.objects
    assert (consultation in objects.open_at(moment)) is is_open
    assert (consultation in objects.opening_after(moment)) is opens_after
    assert (consultation in objects.closed_at(moment)) is has_closed


def test_a_draft_round_is_never_open():
    draft = make_consultation(status=Status.DRAFT)
    moment = at("2030-01-01T12:00:00+01:00")
    assert not draft.is_open_at(moment)
    assert not Consultation.objects.open_at(moment).exists()
    assert not Consultation.objects.opening_after(at("2020-01-01T00:00:00+01:00")).exists()


def test_the_latest_closed_and_the_next_opening_come_first():
    make_consultation(
        "forste", opens_at="2026-01-01T00:00:00+01:00", closes_at="2026-02-01T12:00:00+01:00"
    )
    make_consultation(
        "andre", opens_at="2026-03-01T00:00:00+01:00", closes_at="2026-04-01T12:00:00+01:00"
    )
    make_consultation(
        "tredje", opens_at="2026-09-01T00:00:00+02:00", closes_at="2026-10-01T12:00:00+02:00"
    )
    make_consultation(
        "fjerde", opens_at="2026-11-01T00:00:00+01:00", closes_at="2026-12-01T12:00:00+01:00"
    )
    moment = at("2026-06-01T12:00:00+02:00")
    assert Consultation.objects.closed_at(moment).first().slug == "andre"
    assert Consultation.objects.opening_after(moment).first().slug == "tredje"


def test_a_deadline_entered_with_seconds_closes_from_its_minute():
    consultation = Consultation.objects.create(
        slug="sekunder",
        title="Med sekunder",
        introduction="Tekst.",
        status=Status.PUBLISHED,
        opens_at=dt.datetime(2026, 1, 1, tzinfo=OSLO),
        closes_at=dt.datetime(2026, 6, 1, 12, 0, 45, tzinfo=OSLO),
    )
    assert consultation.is_open_at(dt.datetime(2026, 6, 1, 11, 59, 59, tzinfo=OSLO))
    assert not consultation.is_open_at(dt.datetime(2026, 6, 1, 12, 0, 10, tzinfo=OSLO))
    moment = dt.datetime(2026, 6, 1, 12, 0, 10, tzinfo=OSLO)
    assert not Consultation.objects.open_at(moment).exists()
