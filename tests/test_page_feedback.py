"""One feedback block at the end of each page: the way to the input form while a round is open,
else "Var denne siden nyttig?" (portal/feedback/page_rating.py), which keeps the page cached."""

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from portal.models import Consultation, PageRating

CHAPTER = "/veileder/om-veilederen/"
STEP = "/steg/analyse/"
SITE = "http://127.0.0.1:8000"  # settings.SITE_URL in the tests


@pytest.fixture
def closed(imported):
    Consultation.objects.update(
        opens_at=timezone.now() - dt.timedelta(days=60),
        closes_at=timezone.now() - dt.timedelta(days=1),
    )


def rate(client, path=STEP, answer="1", comment="", **headers):
    headers.setdefault("Origin", SITE)
    headers.setdefault("Sec-Fetch-Site", "same-origin")
    return client.post(
        "/nyttig/",
        {"side": path, "svar": answer, "kommentar": comment},
        headers=headers,
    )


def test_while_a_round_is_open_a_page_has_one_block_that_names_the_page_and_a_section(
    client, imported
):
    html = client.get(CHAPTER).text
    assert html.count('class="page-feedback"') == 1
    assert "Gi innspill til denne delen" not in html
    form = re.search(r'<form class="page-feedback__form" action="([^"]+)" method="get">', html)
    assert form.group(1) == "/innspill/"
    assert '<input type="hidden" name="kapittel" value="om-veilederen">' in html
    options = re.findall(r'<option value="([^"]*)">([^<]+)</option>', html)
    assert options == [
        ("", "Hele siden"),
        ("økonomi-og-æøå", "Økonomi og æøå"),
        ("neste-del", "Neste del"),
    ]
    form_page = client.get("/innspill/", {"kapittel": "om-veilederen", "del": "neste-del"}).text
    assert "«Neste del»" in form_page
    assert "csrfmiddlewaretoken" not in html


def test_a_step_offers_its_list_sections_too(client, imported):
    html = client.get(STEP).text
    assert '<input type="hidden" name="steg" value="analyse">' in html
    assert '<option value="spørsmål-å-diskutere">Spørsmål å diskutere</option>' in html


def test_with_no_round_open_the_page_asks_if_it_was_useful_and_stays_cached(client, closed):
    first = client.get(STEP)
    html = first.text
    assert "Var denne siden nyttig?" in html
    assert 'action="/nyttig/" method="post"' in html
    assert "csrfmiddlewaretoken" not in html
    assert not first.cookies, "no cookie, so the page may be stored"
    assert first["X-Page-Cache"] == "miss"
    again = client.get(STEP)
    assert again["X-Page-Cache"] == "hit"
    assert "Set-Cookie" not in again


def test_an_answer_from_the_site_is_stored_and_thanked_for(client, closed):
    response = rate(client, answer="0", comment="Mangler et eksempel fra innlandet.")
    assert response.status_code == 302
    assert response["Location"].startswith("/nyttig/takk/?")
    rating = PageRating.objects.get()
    assert (rating.path, rating.useful, rating.language) == (STEP, False, "nb")
    assert rating.comment == "Mangler et eksempel fra innlandet."
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert "Takk for svaret" in thanks.text
    assert f'href="{STEP}"' in thanks.text
    assert "no-cache" in thanks["Cache-Control"] or "max-age=0" in thanks["Cache-Control"]


def test_a_nynorsk_page_is_counted_with_its_bokmal_twin(client, closed):
    rate(client, path="/nn" + STEP)
    assert PageRating.objects.get().language == "nn"
    assert PageRating.objects.get().path == STEP


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://angriper.example", "Sec-Fetch-Site": "cross-site"},
        {"Origin": "https://angriper.example"},
        {"Origin": SITE, "Sec-Fetch-Site": "cross-site"},
        {"Origin": "null"},
        {"Origin": None, "Sec-Fetch-Site": "same-site"},
        {"Origin": None, "Sec-Fetch-Site": None},
    ],
)
def test_a_post_from_another_site_is_refused_and_nothing_is_stored(client, closed, headers):
    sent = {name: value for name, value in headers.items() if value is not None}
    response = client.post(
        "/nyttig/",
        {"side": STEP, "svar": "1", "kommentar": "Fra et annet nettsted"},
        headers=sent,
    )
    assert response.status_code == 403
    assert "Svaret ble ikke lagret" in response.text
    assert "Fra et annet nettsted" in response.text, "what the reader wrote is shown back"
    assert PageRating.objects.count() == 0


def test_the_origin_of_the_host_itself_is_accepted(client, closed):
    assert rate(client, Origin="http://testserver", **{"Sec-Fetch-Site": None}).status_code == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"side": "/finnes-ikke/x/y/", "svar": "1"}, "Vi vet ikke hvilken side"),
        ({"side": "https://angriper.example/", "svar": "1"}, "Vi vet ikke hvilken side"),
        ({"side": "/sok/", "svar": "1"}, "Vi vet ikke hvilken side"),
        ({"side": STEP, "svar": "kanskje"}, "Velg «Ja» eller «Nei»"),
        ({"side": STEP, "svar": "1", "kommentar": "x" * 1201}, "Kommentaren er for lang"),
    ],
)
def test_a_bad_answer_gets_a_norwegian_answer_and_keeps_the_text(client, closed, data, message):
    data = {"kommentar": "Teksten min", **data}
    response = client.post("/nyttig/", data, headers={"Origin": SITE})
    assert response.status_code == 400
    assert message in response.text
    assert data["kommentar"][:50] in response.text
    assert PageRating.objects.count() == 0


def test_answers_are_rate_limited(client, closed, settings):
    settings.PAGE_RATING_RATE_LIMIT = "2/h"
    assert [rate(client).status_code for _ in range(3)] == [302, 302, 429]
    assert PageRating.objects.count() == 2
    # The input form's own allowance is not used up by answers.
    settings.FEEDBACK_RATE_LIMIT = "1/h"
    from portal.feedback import services

    assert services.check_rate_limit(_request()).allowed


def _request():
    from django.test import RequestFactory

    return RequestFactory().post("/innspill/x/")


def test_purge_blanks_comments_past_the_retention_period_and_keeps_the_count(db, settings):
    old = PageRating.objects.create(
        path=STEP, useful=True, comment="Gammel", created_at=timezone.now() - dt.timedelta(91)
    )
    recent = PageRating.objects.create(path=STEP, useful=False, comment="Ny")
    out = io.StringIO()
    call_command("purge_feedback", "--dry-run", stdout=out)
    assert "1 kommentarer" in out.getvalue()
    old.refresh_from_db()
    assert old.comment == "Gammel"
    call_command("purge_feedback", stdout=io.StringIO())
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.comment, old.useful) == ("", True)
    assert recent.comment == "Ny"
    assert PageRating.objects.count() == 2


def test_staff_see_the_answers_counted_per_page(client, db, admin_user):
    for useful in (True, True, False):
        PageRating.objects.create(path=STEP, useful=useful)
    PageRating.objects.create(path=CHAPTER, useful=False, comment="Uklart")
    client.force_login(admin_user)
    html = client.get("/admin/portal/pagerating/").text
    row = re.search(rf'<td><a href="{STEP}">{STEP}</a></td>(.*?)</tr>', html).group(1)
    assert re.findall(r"<td>(\d+)</td>", row) == ["2", "1", "0", "3"]
    assert "Uklart" in html


def test_personvern_states_how_long_comments_are_kept(client, db):
    from django.conf import settings as django_settings

    from portal.content import import_content

    import_content(django_settings.CONTENT_DIR)
    html = client.get("/personvern/").text
    assert "Var denne siden nyttig?" in html
    assert "slettes automatisk etter 90 dager" in html
