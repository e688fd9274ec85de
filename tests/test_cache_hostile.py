"""The page cache against hostile requests: each test sends a request found to poison or fill
the cache, or to break a page, when the running portal was probed."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings, strategies

from portal.models import Consultation, Status
from tests.conftest import make_consultation

pytestmark = pytest.mark.django_db

FORGED = {"HTTP_HOST": "127.0.0.1:6666", "HTTP_X_FORWARDED_PROTO": "https"}


def cached_page_count() -> int:
    return len([key for key in cache._cache if ":page:" in key])


@pytest.mark.parametrize("path", ["/sitemap.xml", "/robots.txt", "/endringer.atom"])
def test_absolute_addresses_come_from_site_url_not_from_the_request(
    client, imported, path, settings
):
    forged = client.get(path, **FORGED)
    assert forged.status_code == 200
    assert "6666" not in forged.text
    assert settings.SITE_URL in forged.text
    # What the forged request left in the cache is what everyone else gets.
    assert "6666" not in client.get(path).text


def test_a_cached_page_is_never_served_for_a_host_we_do_not_serve(client, imported):
    assert client.get("/veileder/").status_code == 200
    assert client.get("/veileder/")["X-Page-Cache"] == "hit"
    response = client.get("/veileder/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "X-Page-Cache" not in response


def test_an_unknown_theme_is_answered_but_not_stored(client, imported):
    before = cached_page_count()
    for number in range(5):
        response = client.get(f"/eksempler/?tema=oppdiktet-{number}")
        assert response.status_code == 200
        assert "Industriell symbiose" in response.text  # the whole list, not an empty page
    assert cached_page_count() == before
    assert client.get("/eksempler/?tema=oppdiktet-0").get("X-Page-Cache") != "hit"


def test_a_known_filter_is_stored_once_whatever_the_order_of_its_parameters(client, imported):
    first = client.get("/eksempler/?tema=gronn-omstilling&steg=analyse")
    assert first["X-Page-Cache"] == "miss"
    again = client.get("/eksempler/?steg=analyse&tema=gronn-omstilling")
    assert again["X-Page-Cache"] == "hit"
    assert again.content == first.content


@pytest.mark.parametrize(
    "query",
    ["&tema=gronn-omstilling&tema=gronn-omstilling", "&utm_source=x", "&tema="],
)
def test_repeated_empty_or_unknown_parameters_are_not_stored(client, imported, query):
    path = f"/eksempler/?steg=analyse{query}"
    assert client.get(path).status_code == 200
    assert client.get(path).get("X-Page-Cache") != "hit"


@pytest.mark.parametrize(
    "query", ["-" * 35, "-" * 200, "a " + "-" * 60 + "b", "- " * 90, "-a " * 60, '"-' * 80]
)
def test_no_search_query_gives_a_server_error(client, imported, query):
    response = client.get("/sok/", {"q": query})
    assert response.status_code == 200
    assert "Søk" in response.text


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(strategies.text(alphabet="-!&|()\"' :*<>ab", max_size=200))
def test_any_mix_of_query_operators_is_answered(client, imported, query):
    assert client.get("/sok/", {"q": query}).status_code == 200


def test_the_open_rounds_banner_is_gone_from_cached_pages_at_the_deadline(client, imported):
    Consultation.objects.update(status=Status.DRAFT)  # the only open round is the one below
    closes = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0) + dt.timedelta(hours=2)
    make_consultation(
        slug="kort-runde",
        title="Kort innspillsrunde",
        closes_at=closes.isoformat(),
    )
    home = client.get("/")
    assert "Kort innspillsrunde" in home.text
    assert client.get("/")["X-Page-Cache"] == "hit"
    max_age = int(home["Cache-Control"].split("max-age=")[1].split(",")[0])
    assert max_age <= 2 * 3600  # no browser or proxy keeps it past the deadline either

    with time_machine.travel(closes + dt.timedelta(seconds=1), tick=False):
        after = client.get("/")
        assert after["X-Page-Cache"] == "miss"
        assert "Kort innspillsrunde" not in after.text

    with time_machine.travel(closes - dt.timedelta(minutes=1), tick=False):
        before = client.get("/")
        assert "Kort innspillsrunde" in before.text
        lifetime = int(before["Cache-Control"].split("max-age=")[1].split(",")[0])
        swr = int(before["Cache-Control"].split("stale-while-revalidate=")[1])
        assert lifetime + swr <= 60
