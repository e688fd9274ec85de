"""Every page type is valid HTML by the W3C Nu HTML Checker (vnu-jar from npm, run offline with
Java): each page is rendered once, and the checker runs once on all of them."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache

from portal import cache as page_cache
from portal.content import import_content
from portal.models import Consultation

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

VNU_JAR = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

# One of each page type, in both written forms where the form changes the markup.
PAGES = [
    "/",
    "/veileder/",
    "/veileder/slik-arbeider-fylkeskommunen/",
    "/veileder/hele/",
    "/steg/",
    "/steg/analyse/",
    "/steg/monitorering/",
    "/steg/prioriteringer/arbeidsark/",
    "/eksempler/",
    "/eksempler/?steg=analyse&tema=gronn-omstilling",
    "/eksempler/industriell-symbiose/",
    "/begreper/",
    "/kilder/",
    "/tilgjengelighet/",
    "/personvern/",
    "/kortversjon/",
    "/sok/?q=strategier",
    "/sok/?q=ingenting+her+xyzzy",
    "/innspill/",
    "/innspill/?steg=analyse&del=spørsmål-å-diskutere",
    "/nyttig/takk/?side=/steg/analyse/&svar=ja",
    "/finnes-ikke/",
    "/nn/",
    "/nn/veileder/slik-arbeider-fylkeskommunen/",
    "/nn/steg/analyse/",
]
# With no round open, pages end with "Var denne siden nyttig?" instead of a link to the form.
PAGES_WITHOUT_ROUND = ["/", "/veileder/om-veilederen/", "/steg/visjon/", "/innspill/"]


def java() -> str:
    found = shutil.which("java")
    if found is None:
        pytest.skip("Java is not installed (apt-get install default-jre-headless): no Nu check")
    if not VNU_JAR.exists():
        pytest.skip(f"{VNU_JAR} is missing: run `npm ci` to install vnu-jar")
    return found


def render_all(client, paths, folder: Path, prefix: str) -> dict[str, str]:
    files = {}
    for index, path in enumerate(paths):
        response = client.get(path)
        expected = 404 if path == "/finnes-ikke/" else 200
        assert response.status_code == expected, f"{path}: HTTP {response.status_code}"
        name = folder / f"{prefix}{index:02d}.html"
        name.write_bytes(response.content)
        files[str(name)] = path
    return files


def test_every_page_type_has_no_errors_from_the_nu_html_checker(client, tmp_path, settings):
    java_path = java()
    settings.PAGE_CACHE_ENABLED = False
    import_content(settings.CONTENT_DIR)
    files = render_all(client, PAGES, tmp_path, "open-")
    Consultation.objects.update(
        closes_at="2026-01-01T00:00:00+01:00", opens_at="2025-12-01T00:00:00+01:00"
    )
    cache.clear()
    page_cache.clear_local()
    files |= render_all(client, PAGES_WITHOUT_ROUND, tmp_path, "closed-")

    result = subprocess.run(
        [
            java_path,
            "-Xss8m",
            "-jar",
            str(VNU_JAR),
            "--format",
            "json",
            "--errors-only",
            "--exit-zero-always",
            *files,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [
        f"{files.get(m['url'].removeprefix('file:'), m['url'])}: line {m.get('lastLine')}: "
        f"{m['message']}"
        for m in messages
        if m["type"] == "error" or m.get("subType") == "fatal"
    ]
    assert errors == []
    assert len(files) == len(PAGES) + len(PAGES_WITHOUT_ROUND)
