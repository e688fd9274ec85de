"""Findability: the sitemap, the Atom feed of changes, canonical addresses and Open Graph."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from portal.editions import services as editions
from portal.editions.snapshot import snapshot_of
from portal.models import Chapter, ExampleCase, Page, ProcessStep, Status

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def sitemap_urls(client) -> dict[str, str | None]:
    root = ET.fromstring(client.get("/sitemap.xml").content)
    return {
        url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod")
        for url in root.iter(f"{SITEMAP}url")
    }


def test_the_sitemap_lists_every_published_page_with_its_last_change(client, imported):
    urls = sitemap_urls(client)
    paths = {re.sub(r"^https?://[^/]+", "", loc) for loc in urls}
    expected = {"/", "/veileder/", "/steg/", "/eksempler/", "/begreper/", "/kilder/"}
    for model in (Chapter, ProcessStep, ExampleCase, Page):
        expected |= {obj.get_absolute_url() for obj in model.objects.published()}
    assert expected <= paths
    chapter = Chapter.objects.get(slug="om-veilederen")
    lastmod = next(v for k, v in urls.items() if k.endswith(chapter.get_absolute_url()))
    assert lastmod == timezone.localtime(chapter.updated_at).date().isoformat()  # Oslo date


def test_the_sitemap_leaves_out_drafts(client, imported):
    Chapter.objects.filter(slug="om-veilederen").update(status=Status.DRAFT)
    assert not any(loc.endswith("/veileder/om-veilederen/") for loc in sitemap_urls(client))


def feed(client):
    response = client.get("/endringer.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def _publish_change(chapter, publisher, *, substantial=True, **fields):
    data = snapshot_of(chapter)
    data["fields"].update(fields)
    edition = editions.save_edition(publisher, Chapter, data, live=chapter)
    return editions.publish_edition(edition, publisher, note="Ny ingress.", substantial=substantial)


def test_the_feed_lists_substantial_changes_newest_first(client, imported, publisher):
    chapter = Chapter.objects.get(slug="hva-er-smart-spesialisering")
    chapter = _publish_change(chapter, publisher, lead_nb="Nå med en ny ingress.")
    root = feed(client)
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}title") == "Smart spesialisering – endringer i veilederen"
    entries = root.findall(f"{ATOM}entry")
    assert entries[0].findtext(f"{ATOM}title") == chapter.title
    assert entries[0].findtext(f"{ATOM}summary") == "Endret: Ny ingress. Nå med en ny ingress."
    link = entries[0].find(f"{ATOM}link").get("href")
    assert link.endswith("/veileder/hva-er-smart-spesialisering/")
    updated = [e.findtext(f"{ATOM}updated") for e in entries]
    assert updated == sorted(updated, reverse=True)
    titles = {e.findtext(f"{ATOM}title") for e in entries}
    assert {"Analyse", "Industriell symbiose", "Om nettstedet"} <= titles


def test_a_substantial_change_is_a_new_entry_for_feed_readers_and_a_minor_one_not(
    client, imported, publisher
):
    def first_id():
        return feed(client).find(f"{ATOM}entry").findtext(f"{ATOM}id")

    chapter = Chapter.objects.get(slug="om-veilederen")
    chapter = _publish_change(chapter, publisher, lead_nb="Endret.")
    before = first_id()
    chapter = _publish_change(chapter, publisher, substantial=False, lead_nb="Skrivefeil rettet.")
    assert first_id() == before
    _publish_change(chapter, publisher, lead_nb="Endret igjen.")
    assert first_id() != before


def test_the_feed_leaves_out_drafts(client, imported):
    Chapter.objects.filter(slug="om-veilederen").update(status=Status.DRAFT)
    titles = {e.findtext(f"{ATOM}title") for e in feed(client).findall(f"{ATOM}entry")}
    assert "Om veilederen" not in titles


def test_every_page_links_the_feed_and_gives_open_graph_data(client, imported, settings):
    html = client.get("/veileder/om-veilederen/").text
    assert re.search(
        r'<link rel="alternate" type="application/atom\+xml" title="[^"]+" href="/endringer.atom">',
        html,
    )
    assert '<meta property="og:title" content="Om veilederen">' in html
    assert '<meta property="og:description" content="Hvem veilederen er for.">' in html
    assert '<meta property="og:type" content="article">' in html
    site = settings.SITE_URL
    assert f'<meta property="og:url" content="{site}/veileder/om-veilederen/">' in html


def test_filtered_lists_point_search_engines_to_the_unfiltered_list(client, imported, settings):
    html = client.get("/eksempler/?steg=analyse").text
    assert f'<link rel="canonical" href="{settings.SITE_URL}/eksempler/">' in html
