"""Many respondents at once, through a real gunicorn on PostgreSQL: none lost, none doubled."""

import http.cookiejar
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from portal.models import Feedback
from tests.conftest import feedback_form_data, make_consultation
from tests.servers import TEST_REDIS_URL, gunicorn

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]

# A concurrency test, not a load run: bench/feedback_load_bench.py sends 120 at once.
SIMULTANEOUS = 20
TIMEOUT = 60


class Respondent:
    """One browser: its own cookie jar, a freshly fetched form, then one submission."""

    def __init__(self, base: str, path: str):
        self.base, self.path = base, path
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.fields: dict[str, str] = {}

    def fetch_form(self) -> None:
        with self.opener.open(self.base + self.path, timeout=TIMEOUT) as response:
            page = response.read().decode("utf-8")
        self.fields = {
            "csrfmiddlewaretoken": re.search(
                r'name="csrfmiddlewaretoken" value="([^"]+)"', page
            ).group(1),
            "token": re.search(r'name="token" value="([^"]+)"', page).group(1),
        }

    def submit(self, data: dict[str, str]) -> tuple[int, str, str]:
        body = urllib.parse.urlencode({**data, **self.fields}).encode()
        request = urllib.request.Request(self.base + self.path, data=body)
        try:
            with self.opener.open(request, timeout=TIMEOUT) as response:
                return response.status, response.geturl(), response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.geturl(), error.read().decode("utf-8")


def all_at_once(respondents, data_for, copies=1):
    """Every respondent submits `copies` times, all released by one barrier.

    The form data is built first, here: the threads only speak HTTP, never to the database.
    """
    jobs = [(respondent, data_for(respondent)) for respondent in respondents for _ in range(copies)]
    barrier = threading.Barrier(len(jobs))

    def run(job):
        respondent, data = job
        barrier.wait(timeout=TIMEOUT)
        return respondent, respondent.submit(data)

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(run, jobs))


def fetch_all(respondents):
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(lambda r: r.fetch_form(), respondents))


def submit_simultaneously(count: int) -> float:
    """`count` respondents send the form at the same moment; every answer is stored once.
    Returns the seconds it took. bench/feedback_load_bench.py runs it with 120."""
    consultation = make_consultation()
    path = f"/innspill/{consultation.slug}/"
    with gunicorn(workers=4, FEEDBACK_RATE_LIMIT="100000/h") as base:
        respondents = [Respondent(base, path) for _ in range(count)]
        fetch_all(respondents)
        texts = {r: f"Svar nummer {i} med æøå og 😀" for i, r in enumerate(respondents)}
        key = f"svar_{consultation.questions.get(order=1).pk}"
        started = time.monotonic()
        results = all_at_once(
            respondents, lambda r: feedback_form_data(consultation, **{key: texts[r]})
        )
        elapsed = time.monotonic() - started

    failures = [(status, page[:200]) for _, (status, url, page) in results if status != 200]
    assert not failures
    assert all("/innspill/kvittering/" in url for _, (_, url, _) in results)
    assert Feedback.objects.count() == count
    assert Feedback.objects.values("reference").distinct().count() == count
    stored = set(Feedback.objects.values_list("answers__text", flat=True))
    assert stored == set(texts.values()), "every answer stored intact"
    return elapsed


def test_simultaneous_submissions_are_all_stored_exactly_once():
    submit_simultaneously(SIMULTANEOUS)


def test_a_form_sent_three_times_at_once_is_stored_once_with_one_receipt():
    consultation = make_consultation()
    path = f"/innspill/{consultation.slug}/"
    with gunicorn(workers=4, FEEDBACK_RATE_LIMIT="100000/h") as base:
        respondents = [Respondent(base, path) for _ in range(20)]
        fetch_all(respondents)
        results = all_at_once(respondents, lambda r: feedback_form_data(consultation), copies=3)

    assert all(status == 200 for _, (status, _, _) in results)
    receipts: dict[Respondent, set[str]] = {}
    for respondent, (_, url, _) in results:
        receipts.setdefault(respondent, set()).add(url)
    assert all(len(urls) == 1 for urls in receipts.values()), "the same receipt each time"
    assert Feedback.objects.count() == 20


@pytest.mark.redis
def test_the_rate_limit_is_shared_by_all_workers_through_redis():
    consultation = make_consultation()
    path = f"/innspill/{consultation.slug}/"
    shared_cache = {
        "REDIS_URL": TEST_REDIS_URL,
        "CACHE_KEY_PREFIX": f"feedback-test-{uuid.uuid4().hex}",
        "FEEDBACK_RATE_LIMIT": "5/h",
    }
    with gunicorn(workers=3, **shared_cache) as base:
        respondents = [Respondent(base, path) for _ in range(12)]
        fetch_all(respondents)
        results = all_at_once(respondents, lambda r: feedback_form_data(consultation))

    statuses = sorted(status for _, (status, _, _) in results)
    assert statuses == [200] * 5 + [429] * 7
    assert Feedback.objects.count() == 5
    refused = next(page for _, (status, _, page) in results if status == 429)
    assert "For mange innspill på kort tid" in refused
