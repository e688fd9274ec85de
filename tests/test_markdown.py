import pytest
from django.core.cache import cache

from portal import markdown


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    markdown._rendered.cache_clear()


def test_renders_tables_lists_and_emphasis():
    html = markdown.render_markdown("| A | B |\n|---|---|\n| 1 | 2 |\n\n- **fet**\n- *kursiv*")
    assert "<table>" in html and "<td>1</td>" in html
    assert "<strong>fet</strong>" in html and "<em>kursiv</em>" in html


def test_heading_anchors_keep_norwegian_letters():
    rendered = markdown.render("## Økonomi og næringsliv\n\n## Små og store år")
    assert '<h2 id="økonomi-og-næringsliv">' in rendered.html
    assert [entry.anchor for entry in rendered.toc] == ["økonomi-og-næringsliv", "små-og-store-år"]
    assert rendered.toc[0].title == "Økonomi og næringsliv"


@pytest.mark.parametrize(
    ("source", "forbidden"),
    [
        ("<script>alert(1)</script>", "<script"),
        ("[klikk](javascript:alert(1))", "javascript:"),
        ("[klikk](data:text/html;base64,PHNjcmlwdD4=)", "data:"),
        ('<a href="/x" onclick="alert(1)">x</a>', "onclick"),
        ('<img src="x.png" onerror="alert(1)">', "onerror"),
        ('<iframe src="https://example.org"></iframe>', "<iframe"),
        ("<style>body{display:none}</style>", "<style"),
        ('<p style="position:fixed">x</p>', "style="),
        ("<svg onload=alert(1)></svg>", "<svg"),
        ('<form action="https://evil.example"><input></form>', "<form"),
    ],
)
def test_hostile_markup_is_removed(source, forbidden):
    assert forbidden not in markdown.render_markdown(source).lower()


def test_safe_links_survive():
    html = markdown.render_markdown(
        "[a](https://example.org) [b](/steg/analyse/) [c](mailto:post@example.org) [d](#del)"
    )
    for href in ("https://example.org", "/steg/analyse/", "mailto:post@example.org", "#del"):
        assert f'href="{href}"' in html


def test_result_is_cached_by_content_hash(monkeypatch):
    calls = []
    real = markdown._render_uncached

    def counting(text):
        calls.append(text)
        return real(text)

    monkeypatch.setattr(markdown, "_render_uncached", counting)
    markdown.render("Samme tekst")
    markdown._rendered.cache_clear()  # another worker process: the shared cache still answers
    markdown.render("Samme tekst")
    markdown.render("Annen tekst")
    assert calls == ["Samme tekst", "Annen tekst"]


def test_renderer_version_is_part_of_the_cache_key(monkeypatch):
    markdown.render("Tekst")
    markdown._rendered.cache_clear()
    monkeypatch.setattr(markdown, "RENDERER_VERSION", "test-new")
    calls = []
    monkeypatch.setattr(markdown, "_render_uncached", lambda text: calls.append(text) or ("", []))
    markdown.render("Tekst")
    assert calls == ["Tekst"]
