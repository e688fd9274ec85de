import datetime as dt

import pytest
from django.conf import settings

from portal.content import KINDS, read_content
from portal.content.schema import parse_moment
from portal.models import Chapter, Page, ProcessStep


@pytest.fixture(scope="module")
def shipped():
    return read_content(settings.CONTENT_DIR)


def test_each_field_dumps_what_it_parses_back_to_the_same_value(shipped):
    assert all(shipped[kind_key] for kind_key in KINDS), "every kind has values to check"
    for kind_key, records in shipped.items():
        for field in KINDS[kind_key].fields:
            for record in records:
                stored = record.values[field.key]
                assert field.parse(field.dump(stored)) == stored, (kind_key, field.key)


def test_a_deadline_is_a_whole_minute_and_naive_times_are_oslo_time():
    assert parse_moment("2027-03-01T12:00:59+01:00") == dt.datetime(
        2027, 3, 1, 11, 0, tzinfo=dt.UTC
    )
    assert parse_moment("2027-07-01T12:00") == dt.datetime(2027, 7, 1, 10, 0, tzinfo=dt.UTC)
    with pytest.raises(ValueError, match="tidspunkt"):
        parse_moment("i morgen")


def test_each_kind_names_its_files():
    assert KINDS["chapter"].file_name(Chapter(slug="om", order=3)) == "03-om.md"
    assert KINDS["step"].file_name(ProcessStep(slug="analyse", order=1)) == "1-analyse.md"
    assert KINDS["page"].file_name(Page(slug="personvern")) == "personvern.md"


def test_kinds_come_after_the_kinds_they_refer_to():
    order = list(KINDS)
    for kind_key, kind in KINDS.items():
        for relation in kind.relations:
            assert order.index(relation.kind) < order.index(kind_key)
