"""Bokmål and nynorsk (språklova § 13 and § 14): the portal's own words in both written forms.

Bokmål is unprefixed and the source language of the catalogues; nynorsk is at /nn/. These tests
hold the catalogue complete, every template's words marked, the switch on the same page, the
input flow and its receipts in the form the input was sent in, and the page cache apart.
"""

import gettext
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.utils import translation
from django.utils.translation import trans_real

from portal.feedback import export, services
from portal.models import Feedback
from tests.conftest import add_feedback, feedback_form_data

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
TEMPLATES = ROOT / "templates"
CATALOGUE = "LC_MESSAGES/django"
PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\w+\}")

needs_msgfmt = pytest.mark.skipif(not shutil.which("msgfmt"), reason="gettext's msgfmt")


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogues():
    """The .mo files the build makes (`make test` runs compilemessages); made here when missing,
    and Django's cache of catalogues dropped so every test sees them."""
    for language in ("nb", "nn"):
        po = LOCALE / language / f"{CATALOGUE}.po"
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            subprocess.run(["msgfmt", "--check", "-o", str(mo), str(po)], check=True)
    trans_real._translations = {}
    trans_real._default = None
    yield


# --- The catalogue ---------------------------------------------------------------------------


def _entries(po: Path) -> list[dict]:
    """msgid, msgid_plural, msgstr[n] and flags of each entry of a .po file (no polib here)."""
    entries, current, key = [], None, None
    for line in [*po.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if current and current.get("msgid"):
                entries.append(current)
            current, key = None, None
            continue
        current = current or {"flags": "", "msgstr": {}}
        if line.startswith("#,"):
            current["flags"] += line
        elif line.startswith("#"):
            continue
        elif match := re.match(r'(msgid|msgid_plural|msgstr(?:\[(\d)\])?) "(.*)"$', line):
            key = (
                match.group(1)
                if not match.group(1).startswith("msgstr")
                else int(match.group(2) or 0)
            )
            text = match.group(3)
            if isinstance(key, int):
                current["msgstr"][key] = text
            else:
                current[key] = text
        elif line.startswith('"') and key is not None:
            if isinstance(key, int):
                current["msgstr"][key] += line[1:-1]
            else:
                current[key] += line[1:-1]
    return entries


def test_the_nynorsk_catalogue_is_complete_and_never_fuzzy():
    entries = _entries(LOCALE / "nn" / f"{CATALOGUE}.po")
    assert len(entries) > 300
    assert [e["msgid"] for e in entries if "fuzzy" in e["flags"]] == []
    assert [e["msgid"] for e in entries if not all(e["msgstr"].values())] == []


def test_both_catalogues_hold_the_same_messages():
    def ids(language):
        return {e["msgid"] for e in _entries(LOCALE / language / f"{CATALOGUE}.po")}

    assert ids("nb") == ids("nn")


def test_every_translation_keeps_the_placeholders():
    for entry in _entries(LOCALE / "nn" / f"{CATALOGUE}.po"):
        wanted = sorted(PLACEHOLDER.findall(entry.get("msgid_plural") or entry["msgid"]))
        for text in entry["msgstr"].values():
            assert sorted(PLACEHOLDER.findall(text)) == wanted, entry["msgid"]


@needs_msgfmt
def test_msgfmt_compiles_the_nynorsk_catalogue_with_nothing_untranslated(tmp_path):
    po = LOCALE / "nn" / f"{CATALOGUE}.po"
    mo = tmp_path / "django.mo"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", str(mo), str(po)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr
    catalogue = gettext.GNUTranslations(mo.open("rb"))
    assert catalogue.gettext("Gi innspill") == "Gi innspel"
    assert catalogue.gettext("Til forsiden") == "Til framsida"


def test_the_term_list_is_followed():
    """docs/nynorsk.md: one word for each thing. Bokmål words that must not survive in nynorsk."""
    banned = re.compile(
        r"\b(veileder\w*|innspill\w*|eksempel\w*|kilde\w*|begrep\w*|navn|ikke|hva|hvem|hvordan"
        r"|bare|naudsynt|handsam\w*|nytte|me)\b",
        re.IGNORECASE,
    )
    for entry in _entries(LOCALE / "nn" / f"{CATALOGUE}.po"):
        for text in entry["msgstr"].values():
            words = banned.findall(re.sub(r"<[^>]+>|%\(\w+\)s", "", text))
            assert not words, f"{entry['msgid']!r} -> {text!r}: {words}"


# --- Templates: every word marked ------------------------------------------------------------

_TEMPLATE_CODE = re.compile(
    r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}"
    r"|{%\s*blocktranslate.*?{%\s*endblocktranslate\s*%}"
    r"|{%\s*block\s+body_?class\s*%}.*?{%\s*endblock\s*%}"  # CSS class names
    r"|{%.*?%}|{{.*?}}",
    re.DOTALL,
)
# What may stay outside translation: separators, punctuation, e-mail addresses, code names.
_NEUTRAL = re.compile(r"[\s\W\d_]*|postmottak@kdd\.dep\.no|PDF|CSV|Excel|EU|n[bn]_NO")


class _VisibleText(HTMLParser):
    VISIBLE_ATTRIBUTES = {"aria-label", "placeholder", "title", "alt", "content", "value"}

    def __init__(self):
        super().__init__()
        self.texts = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if (
                name in self.VISIBLE_ATTRIBUTES
                and value
                and not (tag == "meta" and dict(attrs).get("name") in ("viewport", "robots"))
            ):
                self.texts.append(value)

    def handle_data(self, data):
        self.texts.append(data)


def _unmarked_words(source: str) -> list[str]:
    parser = _VisibleText()
    parser.feed(_TEMPLATE_CODE.sub(" ", source))
    words = []
    for text in parser.texts:
        for word in re.split(r"\s+", text.strip()):
            if word and not _NEUTRAL.fullmatch(word):
                words.append(word)
    return words


TEMPLATE_FILES = sorted(p for p in TEMPLATES.rglob("*") if p.suffix in (".html", ".txt"))


@pytest.mark.parametrize("path", TEMPLATE_FILES, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_every_word_a_template_writes_is_marked_for_translation(path):
    assert _unmarked_words(path.read_text(encoding="utf-8")) == []


def test_the_check_finds_an_unmarked_word():
    assert _unmarked_words('<p>Hei</p><a aria-label="Meny">{% translate "Ok" %}</a>') == [
        "Hei",
        "Meny",
    ]


# --- Pages in both forms ---------------------------------------------------------------------

PAGES = [
    "/",
    "/veileder/",
    "/veileder/om-veilederen/",
    "/steg/",
    "/steg/analyse/",
    "/steg/analyse/arbeidsark/",
    "/eksempler/",
    "/eksempler/?steg=analyse",
    "/begreper/",
    "/kilder/",
    "/sok/?q=økonomi",
    "/sok/?q=finnesikkeiveilederen",
    "/innspill/",
    "/innspill/innspill-test/",
    "/innspill/innspill-test/svar/",
    "/innspill/innspill-test/endringer/",
]
# Words of the portal's own chrome that only bokmål has (nynorsk: Rettleiaren, Døme, Omgrep ...).
BOKMAL_CHROME = ("Veilederen</a>", "Eksempler</a>", "Begreper</a>", "Gi innspill</a>")


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_in_both_forms(client, imported, consultation, path):
    bokmal = client.get(path)
    nynorsk = client.get(f"/nn{path}")
    assert bokmal.status_code == nynorsk.status_code == 200
    assert '<html lang="nb">' in bokmal.text
    assert '<html lang="nn">' in nynorsk.text
    assert nynorsk["Content-Language"] == "nn"
    for word in BOKMAL_CHROME:
        assert word in bokmal.text
        assert word not in nynorsk.text
    assert "Gå til hovudinnhald" in nynorsk.text


@pytest.mark.django_db
def test_error_pages_in_both_forms(client, db):
    assert '<html lang="nn">' in client.get("/nn/finst-ikkje/").text
    assert "Fann ikkje sida" in client.get("/nn/finst-ikkje/").text
    assert "Fant ikke siden" in client.get("/finnes-ikke/").text
    with translation.override("nn"):
        from django.template.loader import render_to_string

        page = render_to_string("500.html")
    assert '<html lang="nn">' in page and "Noko gjekk gale hos oss" in page
    assert 'href="/nn/"' in page
    with translation.override("nn"):
        outage = render_to_string("503.html", {"after_post": True})
    assert '<html lang="nn">' in outage and "Det du sende, er ikkje sendt." in outage


@pytest.mark.django_db
def test_nynorsk_pages_have_lang_and_hreflang_alternates(client, imported):
    page = client.get("/nn/steg/analyse/").text
    site = settings.SITE_URL
    assert '<html lang="nn">' in page
    assert f'<link rel="alternate" hreflang="nb" href="{site}/steg/analyse/">' in page
    assert f'<link rel="alternate" hreflang="nn" href="{site}/nn/steg/analyse/">' in page
    assert f'<link rel="alternate" hreflang="x-default" href="{site}/steg/analyse/">' in page
    assert f'<link rel="canonical" href="{site}/nn/steg/analyse/">' in page
    assert '<meta property="og:locale" content="nn_NO">' in page


def _switch(page: str) -> dict[str, tuple[str, bool]]:
    """The language switch: {language: (href, is current)}."""
    nav = re.search(r'<nav class="language-switch".*?</nav>', page, re.DOTALL).group(0)
    links = re.findall(r'<a href="([^"]*)" hreflang="(\w+)" lang="\w+"( aria-current="true")?', nav)
    return {code: (href.replace("&amp;", "&"), bool(current)) for href, code, current in links}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/veileder/om-veilederen/",
        "/steg/analyse/",
        "/innspill/innspill-test/?kapittel=om-veilederen&del=okonomi-og-aeoa",
        "/eksempler/?steg=analyse",
    ],
)
def test_the_switch_keeps_the_page_and_its_query(client, imported, consultation, path):
    bokmal = _switch(client.get(path).text)
    assert bokmal == {"nb": (path, True), "nn": (f"/nn{path}", False)}
    nynorsk_page = client.get(bokmal["nn"][0])
    assert nynorsk_page.status_code == 200
    assert _switch(nynorsk_page.text) == {"nb": (path, False), "nn": (f"/nn{path}", True)}
    assert client.get(_switch(nynorsk_page.text)["nb"][0]).status_code == 200


@pytest.mark.django_db
def test_the_switch_names_each_form_in_itself(client, imported):
    page = client.get("/nn/").text
    assert '<a href="/" hreflang="nb" lang="nb">Bokmål</a>' in page
    assert '<a href="/nn/" hreflang="nn" lang="nn" aria-current="true">Nynorsk</a>' in page


@pytest.mark.django_db
def test_machine_addresses_have_one_form(client, imported):
    for path in ("/robots.txt", "/sitemap.xml", "/health/live"):
        assert client.get(path).status_code == 200
        assert client.get(f"/nn{path}").status_code == 404


# --- The page cache keeps the forms apart ----------------------------------------------------


@pytest.mark.django_db
def test_an_unprefixed_address_is_bokmal_whatever_the_browser_asks(client, imported):
    asks_nynorsk = {"HTTP_ACCEPT_LANGUAGE": "nn,no;q=0.8"}
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nn"
    response = client.get("/veileder/om-veilederen/", **asks_nynorsk)
    assert '<html lang="nb">' in response.text
    assert response["Content-Language"] == "nb"


@pytest.mark.django_db
def test_the_page_cache_never_serves_one_form_for_the_other(client, imported):
    nynorsk_browser = {"HTTP_ACCEPT_LANGUAGE": "nn"}
    first = client.get("/veileder/om-veilederen/", **nynorsk_browser)
    assert first["X-Page-Cache"] == "miss"
    nynorsk = client.get("/nn/veileder/om-veilederen/")
    assert nynorsk["X-Page-Cache"] == "miss", "its own entry, not the bokmål one"
    assert '<html lang="nn">' in nynorsk.text
    again_nb = client.get("/veileder/om-veilederen/", **nynorsk_browser)
    again_nn = client.get("/nn/veileder/om-veilederen/", HTTP_ACCEPT_LANGUAGE="nb")
    assert again_nb["X-Page-Cache"] == again_nn["X-Page-Cache"] == "hit"
    assert again_nb.content == first.content and '<html lang="nb">' in again_nb.text
    assert again_nn.content == nynorsk.content and '<html lang="nn">' in again_nn.text
    assert again_nb["Content-Language"] == "nb" and again_nn["Content-Language"] == "nn"


# --- The input flow in the form it was written in --------------------------------------------


@pytest.mark.django_db
def test_nynorsk_input_gets_a_nynorsk_receipt_page_and_e_mail(
    client, imported, consultation, run_tasks
):
    data = feedback_form_data(consultation, email="kari@example.no")
    response = client.post(f"/nn/innspill/{consultation.slug}/", data)
    run_tasks("default")  # the e-mail worker, with no language of the request active
    feedback = Feedback.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/nn/innspill/kvittering/{feedback.idempotency_key}/"
    assert feedback.language == "nn"

    receipt = client.get(response["Location"])
    assert '<html lang="nn">' in receipt.text
    assert "Takk for innspelet" in receipt.text
    assert "Kven du svarer for" in receipt.text

    (message,) = mail.outbox
    assert message.subject == f"Kvittering for innspel {feedback.reference}"
    assert "Vi har teke imot eit innspel til" in message.body
    assert f"Referanse: {feedback.reference}" in message.body
    assert f"{settings.SITE_URL}/nn/personvern/" in message.body
    assert "Ikkje svart på." not in message.body  # nothing about the answers: no relay


@pytest.mark.django_db
def test_the_receipt_is_in_the_inputs_form_whoever_sends_it(client, consultation, run_tasks):
    client.post(f"/innspill/{consultation.slug}/", feedback_form_data(consultation, email="a@b.no"))
    feedback = Feedback.objects.get()
    assert feedback.language == "nb"
    with translation.override("nn"):  # a worker, a shell: whatever language happens to be active
        run_tasks("default")
    (message,) = mail.outbox
    assert message.subject == f"Kvittering for innspill {feedback.reference}"
    assert "Vi har tatt imot et innspill til" in message.body
    with translation.override("nn"):
        assert services.receipt_message(feedback).subject == message.subject


@pytest.mark.django_db
def test_nynorsk_errors_on_the_nynorsk_form(client, consultation):
    data = feedback_form_data(consultation, name="", email="ikkje-ei-adresse")
    page = client.post(f"/nn/innspill/{consultation.slug}/", data).text
    assert "Rett opp dette før du sender innspelet" in page
    assert "Skriv namnet ditt." in page
    assert "Skriv ei gyldig e-postadresse" in page
    assert not Feedback.objects.exists()


@pytest.mark.django_db
def test_staff_list_filter_and_export_the_written_form(client, caseworker, consultation):
    add_feedback(consultation, name="Nynorsk Nora", language="nn")
    add_feedback(consultation, name="Bokmål Bjørn")
    client.force_login(caseworker)
    listed = client.get("/admin/portal/feedback/?language__exact=nn").text
    assert "Nynorsk Nora" in listed and "Bokmål Bjørn" not in listed
    assert "Målform" in listed or "målform" in listed
    header, rows = export.rows(Feedback.objects.order_by("name"))
    column = header.index("Målform")
    assert [row[column] for row in rows] == ["Bokmål", "Nynorsk"]
