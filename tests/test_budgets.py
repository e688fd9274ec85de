"""Query budgets and page weight: what keeps pages fast as content grows."""

import gzip
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.staticfiles import finders

from portal.content import import_content

pytestmark = pytest.mark.django_db


@pytest.fixture
def guide(settings):
    import_content(settings.CONTENT_DIR)
    settings.PAGE_CACHE_ENABLED = False


@pytest.mark.parametrize(
    ("url", "budget"),
    [
        # The page, its links, its related pages, and its substantial changes ("Endret ...").
        ("/veileder/slik-arbeider-fylkeskommunen/", 4),
        ("/steg/prioriteringer/", 4),
        # The step only: the factors are a file read once per process, never a query each.
        ("/steg/prioriteringer/vurderingsskjema/", 1),
        ("/eksempler/?steg=analyse&tema=gronn-omstilling", 5),
        ("/eksempler/", 5),
    ],
)
def test_uncached_pages_stay_within_their_query_budget(
    client, guide, django_assert_max_num_queries, url, budget
):
    client.get("/steg/analyse/")  # the reading order is built once per content version
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "url", ["/veileder/slik-arbeider-fylkeskommunen/", "/steg/prioriteringer/"]
)
def test_the_first_page_after_a_change_builds_the_reading_order_in_one_query(
    client, guide, django_assert_max_num_queries, url
):
    # The page's four, the reading order, and whether a round is open for the feedback block
    # (asked once per content version and round boundary in each process).
    with django_assert_max_num_queries(6):
        assert client.get(url).status_code == 200


def test_a_cache_hit_makes_no_query(client, guide, settings, django_assert_num_queries):
    settings.PAGE_CACHE_ENABLED = True
    client.get("/steg/analyse/")
    with django_assert_num_queries(0):
        assert client.get("/steg/analyse/")["X-Page-Cache"] == "hit"


def test_the_longest_chapter_weighs_at_most_50_kb(client, guide):
    from portal.models import Chapter

    longest = max(Chapter.objects.published(), key=lambda c: len(c.body))
    response = client.get(longest.get_absolute_url())
    assert len(response.content) <= 50 * 1024


def test_css_and_js_of_a_page_weigh_at_most_50_kb_gzipped(client, guide):
    html = client.get("/veileder/slik-arbeider-fylkeskommunen/").text
    assets = re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', html)
    assets += re.findall(r'<script[^>]+src="([^"]+)"', html)
    total = 0
    for url in assets:
        assert url.startswith(django_settings.STATIC_URL), f"{url} is not our own static file"
        name = url.removeprefix(django_settings.STATIC_URL)
        path = django_settings.STATIC_ROOT / name
        if not path.exists():
            path = finders.find(re.sub(r"\.[0-9a-f]{12}(\.\w+)$", r"\1", name))
        data = Path(path).read_bytes()
        # @import inside a stylesheet is one more download; count what it pulls in too.
        assert b"@import" not in data, f"{url} imports further CSS"
        total += len(gzip.compress(data, 9))
    assert total <= 50 * 1024, f"{total} bytes gzipped"
