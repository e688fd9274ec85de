"""portal/diff.py: word-level differences of rendered Markdown and of short fields."""

import random
import re
from html.parser import HTMLParser

import pytest
from django.utils.safestring import SafeString

from portal.diff import blocks_of, field_diff, legend, word_diff
from portal.markdown import render_markdown

VOCABULARY = [
    *("regionen", "fylkeskommunen", "smart", "spesialisering", "og", "i", "på", "for", "med"),
    *("analyse", "prioritering", "næringsliv", "forskning", "innovasjon", "kunnskap"),
    *("aktører", "samarbeid", "styrker", "omstilling"),
]


def long_body(words=5000, seed=7) -> str:
    """A chapter of `words` words: sections of paragraphs, with a list now and then."""
    rng = random.Random(seed)
    parts, count = [], 0
    while count < words:
        if len(parts) % 9 == 0:
            parts.append("## " + " ".join(rng.choices(VOCABULARY, k=4)).capitalize())
            count += 4
        elif len(parts) % 9 == 5:
            parts.append("\n".join("- " + " ".join(rng.choices(VOCABULARY, k=6)) for _ in range(3)))
            count += 18
        else:
            parts.append(" ".join(rng.choices(VOCABULARY, k=60)).capitalize() + ".")
            count += 60
    return "\n\n".join(parts)


def marks(html: str) -> list[tuple[str, str]]:
    """Each <ins>/<del> with its text, without the hidden label and the symbol."""
    found = re.findall(r"<(ins|del) [^>]*>(.*?)</\1>", html)
    return [(tag, re.sub(r"<span[^>]*>.*?</span>", "", inner)) for tag, inner in found]


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parsed(html: str) -> _Text:
    parser = _Text()
    parser.feed(html)
    return parser


def test_a_changed_word_in_a_5000_word_body_is_marked_and_nothing_else():
    old = long_body()
    assert len(old.split()) >= 5000
    words = old.split(" ")
    middle = len(words) // 2
    assert words[middle].isalpha()
    original = words[middle]
    words[middle] = "endringsvilje"
    new = " ".join(words)

    result = word_diff(render_markdown(old), render_markdown(new))

    assert isinstance(result, SafeString)
    assert marks(result) == [("del", original), ("ins", "endringsvilje")]
    assert result.count("diff-changed") == 1, "one block changed, every other block equal"


def test_identical_versions_mark_nothing():
    body = render_markdown(long_body(words=800))
    result = word_diff(body, body)
    assert marks(result) == []
    assert "diff-changed" not in result


def test_a_paragraph_inserted_and_one_deleted_are_marked_whole():
    old = render_markdown("Første avsnitt.\n\nAvsnitt som går ut.\n\nSiste avsnitt.")
    new = render_markdown("Første avsnitt.\n\nSiste avsnitt.\n\nEt helt nytt avsnitt til slutt.")
    result = word_diff(old, new)
    assert marks(result) == [
        ("del", "Avsnitt som går ut."),
        ("ins", "Et helt nytt avsnitt til slutt."),
    ]
    assert result.count("diff-deleted") == 1 and result.count("diff-inserted") == 1
    assert result.count("diff-equal") == 2


def test_a_paragraph_inserted_before_a_changed_one_keeps_the_rest_aligned():
    old = render_markdown("## Innledning\n\nRegionen har mange styrker i dag.\n\nSlutt.")
    new = render_markdown(
        "## Innledning\n\nHelt nytt avsnitt om noe annet.\n\n"
        "Regionen har mange sterke styrker i dag.\n\nSlutt."
    )
    assert marks(word_diff(old, new)) == [
        ("ins", "Helt nytt avsnitt om noe annet."),
        ("ins", "sterke"),
    ]


def test_headings_and_list_items_stay_blocks_of_their_own():
    html = render_markdown("## Mål\n\nTekst.\n\n- en\n- to\n\n1. første\n")
    assert [(b.kind, b.text) for b in blocks_of(html)] == [
        ("h2", "Mål"),
        ("p", "Tekst."),
        ("li", "en"),
        ("li", "to"),
        ("li", "første"),
    ]
    result = word_diff(html, render_markdown("## Nye mål\n\nTekst.\n\n- en\n- to\n\n1. første\n"))
    heading = re.search(r'<div class="[^"]*diff-h2[^"]*"[^>]*>', result).group(0)
    assert 'role="heading"' in heading and 'aria-level="2"' in heading
    assert marks(result) == [("del", "Mål"), ("ins", "Nye mål")]


XSS = [
    '<script>alert("x")</script>',
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "&lt;b&gt;escaped&lt;/b&gt;",
]


@pytest.mark.parametrize("payload", XSS)
def test_html_in_either_version_comes_out_as_text(payload):
    # As Markdown: the renderer's nh3 drops the tags, and what it keeps as text stays text.
    for old, new in [("Trygg tekst.", f"Trygg tekst. `{payload}`"), (f"`{payload}`", "Trygg.")]:
        result = word_diff(render_markdown(old), render_markdown(new))
        assert_only_our_markup(result)
    # Unsanitised HTML handed straight in: still only text comes through.
    result = word_diff(f"<p>Før {payload}</p>", f"<p>Etter {payload}</p>{payload}")
    assert_only_our_markup(result)
    # A plain field holds the payload as its text: shown, escaped.
    result = field_diff("Tittel", f"Tittel {payload}")
    assert_only_our_markup(result)
    assert "alert" in "".join(parsed(result).text) or "escaped" in "".join(parsed(result).text)


def test_a_script_in_code_is_shown_as_its_text():
    result = word_diff(
        render_markdown("Kode."), render_markdown("Kode: `<script>alert(1)</script>`")
    )
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in result
    assert_only_our_markup(result)


def assert_only_our_markup(html: str):
    tags = parsed(html).tags
    assert {tag for tag, _ in tags} <= {"div", "span", "ins", "del"}, tags
    for _, attrs in tags:
        assert set(attrs) <= {"class", "role", "aria-level", "aria-hidden"}, attrs
    assert "<script" not in html and "<img" not in html and "<svg" not in html


def test_screen_readers_are_told_what_was_inserted_and_deleted():
    result = word_diff("<p>Regionen har styrker.</p>", "<p>Regionen har store svakheter.</p>")
    assert '<span class="diff-sr">Satt inn: </span>' in result
    assert '<span class="diff-sr">Slettet: </span>' in result
    # The symbols are for the eye only: the hidden text says it to a screen reader.
    assert '<span class="diff-symbol" aria-hidden="true">+</span>' in result
    assert '<span class="diff-symbol" aria-hidden="true">−</span>' in result
    text = legend()
    assert "Tegnforklaring" in text and "satt inn" in text and "slettet" in text


def test_field_diff_marks_words_of_a_short_field_line_by_line():
    result = field_diff("Hva er smart spesialisering?", "Hva er egentlig smart spesialisering?")
    assert marks(result) == [("ins", "egentlig")]
    assert result.startswith('<span class="diff diff-field">'), "inline: fits in a cell"
    lines = field_diff("Hva er vi gode på?\nHvem vet mest?", "Hva er vi gode på?\nHvem vet minst?")
    assert marks(lines) == [("del", "mest"), ("ins", "minst")]
    assert marks(field_diff(None, "Ny ingress")) == [("ins", "Ny ingress")]
    assert marks(field_diff("Gammel ingress", "")) == [("del", "Gammel ingress")]


def test_an_image_alt_text_change_is_shown():
    old = render_markdown("![Kart over regionen](/media/kart.png)")
    new = render_markdown("![Kart over fylket](/media/kart.png)")
    assert marks(word_diff(old, new)) == [("del", "regionen"), ("ins", "fylket")]
