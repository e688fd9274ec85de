"""Two app instances on one PostgreSQL and one Redis behave as one site."""

import http.cookiejar
import re
import urllib.parse
import urllib.request
import uuid

import pytest
from django.conf import global_settings
from django.contrib.auth.models import User

from portal.content import import_content
from portal.models import Chapter, Consultation, Feedback
from tests.conftest import feedback_form_data
from tests.editions.form_data import form_values
from tests.servers import TEST_REDIS_URL, gunicorn
from tests.test_feedback_server import Respondent

pytestmark = [pytest.mark.server, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

CHAPTER = "/veileder/om-veilederen/"
PASSWORD = "et-langt-passord-for-skalering"


class Browser:
    """One visitor: a cookie jar shared across both instances, as behind one load balancer."""

    def __init__(self):
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, url):
        with self.opener.open(url, timeout=20) as response:
            return response.headers, response.read().decode("utf-8")

    def post(self, url, data, referer):
        body = urllib.parse.urlencode(data, doseq=True).encode()
        request = urllib.request.Request(url, data=body, headers={"Referer": referer})
        with self.opener.open(request, timeout=20) as response:
            return response.geturl(), response.read().decode("utf-8")


def csrf_token(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


@pytest.fixture
def two_instances(content_dir, settings):
    yield from _two_instances(content_dir, settings)


@pytest.fixture
def two_instances_without_page_cache(content_dir, settings):
    yield from _two_instances(content_dir, settings, PAGE_CACHE_ENABLED="0")


def _two_instances(content_dir, settings, **extra):
    import_content(content_dir)
    # The servers verify passwords with the production hashers, not the tests' fast one.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    User.objects.create_superuser("admin", password=PASSWORD)
    shared = {
        "REDIS_URL": TEST_REDIS_URL,
        "CACHE_KEY_PREFIX": f"scale-{uuid.uuid4().hex}",
        "STAFF_REQUIRE_2FA": "0",
        "FEEDBACK_RATE_LIMIT": "2/h",
        **extra,
    }
    with gunicorn(**shared) as first, gunicorn(**shared) as second:
        yield first, second


def publish_new_lead(editor, first, second, lead):
    """Log in on the first instance, check the session holds on the second, and publish a new
    lead for CHAPTER through the first instance's change form, as a publisher does."""
    _, login_page = editor.get(first + "/admin/login/")
    url, _ = editor.post(
        first + "/admin/login/?next=/admin/",
        {"username": "admin", "password": PASSWORD, "csrfmiddlewaretoken": csrf_token(login_page)},
        referer=first + "/admin/login/",
    )
    assert urllib.parse.urlsplit(url).path == "/admin/", "logged in"

    _, admin_home = editor.get(second + "/admin/")
    assert "admin" in admin_home and 'name="password"' not in admin_home, "sessions are shared"

    chapter = Chapter.objects.get(slug="om-veilederen")
    change = f"/admin/portal/chapter/{chapter.pk}/change/"
    _, form = editor.get(first + change)
    # Publishing through the change form, as a publisher does: the form's own values, a new
    # lead, and the "Publiser nå" button.
    data = form_values(form)
    data["lead_nb"] = [lead]
    data["_publish_now"] = ["Publiser nå"]
    data["csrfmiddlewaretoken"] = [csrf_token(form)]
    editor.post(first + change, data, referer=first + change)


def test_an_edit_published_through_one_instance_shows_on_the_other_at_once(two_instances):
    first, second = two_instances
    reader, editor = Browser(), Browser()

    headers, page = reader.get(second + CHAPTER)
    assert "Hvem veilederen er for." in page
    headers, _ = reader.get(second + CHAPTER)
    assert headers["X-Page-Cache"] == "hit", "the second instance serves it from the cache"

    publish_new_lead(editor, first, second, "Ny ingress publisert gjennom den første instansen.")

    headers, page = reader.get(second + CHAPTER)
    assert "Ny ingress publisert gjennom den første instansen." in page
    assert headers["X-Page-Cache"] == "miss"


def test_the_input_rate_limit_counts_submissions_on_every_instance(two_instances):
    first, second = two_instances
    consultation = Consultation.objects.get(slug="innspill-veileder")
    path = f"/innspill/{consultation.slug}/"
    statuses = []
    for base in (first, second, second):
        respondent = Respondent(base, path)
        respondent.fetch_form()
        status, _, _ = respondent.submit(feedback_form_data(consultation))
        statuses.append(status)
    assert statuses == [200, 200, 429], "the limit of 2 an hour is one limit, not one per instance"
    assert Feedback.objects.count() == 2


def test_without_the_page_cache_what_readers_were_served_is_new_on_the_other_at_once(
    two_instances_without_page_cache,
):
    # What the reading views keep per content version (portal/reading.py) moves with the
    # version, like the page cache: both instances have served the page before the publish.
    first, second = two_instances_without_page_cache
    reader, editor = Browser(), Browser()
    for _ in range(3):  # each worker of the second instance may have kept it
        headers, page = reader.get(second + CHAPTER)
        assert "Hvem veilederen er for." in page and "X-Page-Cache" not in headers

    publish_new_lead(editor, first, second, "Ny ingress uten sidebuffer.")

    for _ in range(3):
        _, page = reader.get(second + CHAPTER)
        assert "Ny ingress uten sidebuffer." in page and "Hvem veilederen er for." not in page
