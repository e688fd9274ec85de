"""Word-level differences between two versions of a text, for staff reviewing a change.

`word_diff` compares the *rendered* text of two Markdown documents (portal.markdown's sanitised
HTML), block by block: paragraphs, headings, list items, table cells. Blocks are first aligned
with one another, then the words of each changed block are compared, so a changed word in a
5,000-word body marks that word and nothing else, and a paragraph added or removed is marked as a
whole. `field_diff` does the same for short plain fields (titles, leads), line by line.

What the result looks like, and why:
- An insertion is `<ins>`, a deletion `<del>`; each starts with visually hidden text ("Satt inn:",
  "Slettet:") for screen readers, and a visible symbol (+ / −) besides the underline or
  strike-through, so the change is never told by colour alone. `legend()` explains the marks.
- Only the text of the input is kept: every tag of it is dropped and every piece of text is
  escaped before our own markup is put around it, so nothing of either version reaches the page
  as HTML, whatever it holds.
- Headings keep their level as `role="heading" aria-level`, without adding real headings to the
  page that shows the diff.

difflib.SequenceMatcher runs with autojunk off (on, it treats frequent words such as "og" as
junk in texts of over 200 words and marks too much). The styles are in static/portal/css/diff.css.
"""

import difflib
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

# Elements whose text is one block of the comparison.
BLOCK_TAGS = {
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "td", "th", "pre", "caption",
    "blockquote", "div", "ul", "ol", "dl", "table", "tr", "thead", "tbody", "tfoot", "hr",
}  # fmt: skip
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_SKIPPED = {"script", "style", "template", "textarea", "noscript"}  # never text of the document
_CONTAINERS = {"blockquote", "div", "ul", "ol", "dl", "table", "tr", "thead", "tbody", "tfoot"}

# A word, a run of punctuation, or one other character, each with the space that follows it.
_TOKEN = re.compile(r"(\w+|[^\w\s]+)(\s*)", re.UNICODE)
_SPACE = re.compile(r"\s+")

# Above this many old × new blocks in one changed stretch, blocks are paired in order instead of
# by likeness (likeness costs one comparison per pair).
_MAX_PAIRINGS = 400
_ALIKE = 0.5  # how alike two blocks must be to count as one block changed


@dataclass(frozen=True)
class Block:
    kind: str  # the element: "p", "h2", "li", ...
    text: str  # whitespace collapsed


class _Blocks(HTMLParser):
    """The text of each block of an HTML fragment; all markup dropped."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.stack: list[str] = []
        self.buffer: list[str] = []
        self.skipping = 0

    def _kind(self) -> str:
        for tag in reversed(self.stack):
            if tag in HEADINGS or tag in {"li", "dt", "dd", "td", "th", "pre", "caption"}:
                return tag
            if tag == "blockquote":
                return "blockquote"
        return "p"

    def _flush(self):
        text = _SPACE.sub(" ", "".join(self.buffer)).strip()
        self.buffer = []
        if text:
            self.blocks.append(Block(self._kind(), text))

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED:
            self.skipping += 1
            return
        if tag in BLOCK_TAGS:
            self._flush()
            if tag != "hr":
                self.stack.append(tag)
        elif tag == "br":
            self.buffer.append(" ")
        elif tag == "img":
            alt = (dict(attrs).get("alt") or "").strip()
            # An image's alt text is part of what readers get, and may change on its own.
            self.buffer.append(
                " [" + (_("bilde: %(alt)s") % {"alt": alt} if alt else _("bilde")) + "] "
            )

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in BLOCK_TAGS and tag != "hr" and self.stack and self.stack[-1] == tag:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
            return
        if tag in BLOCK_TAGS and tag in self.stack:
            self._flush()
            while self.stack:
                if self.stack.pop() == tag:
                    break

    def handle_data(self, data):
        if not self.skipping:
            self.buffer.append(data)

    def close(self):
        super().close()
        self._flush()


def blocks_of(document: str) -> list[Block]:
    parser = _Blocks()
    parser.feed(document or "")
    parser.close()
    return parser.blocks


def _tokens(text: str) -> list[tuple[str, str]]:
    return _TOKEN.findall(text)


def _joined(tokens: list[tuple[str, str]]) -> tuple[str, str]:
    """The tokens' text, and the space after the last one (kept outside the mark)."""
    if not tokens:
        return "", ""
    text = "".join(word + space for word, space in tokens[:-1]) + tokens[-1][0]
    return text, tokens[-1][1]


def _mark(tag: str, text: str) -> str:
    if not text:
        return ""
    label, symbol = (_("Satt inn:"), "+") if tag == "ins" else (_("Slettet:"), "−")
    return (
        f'<{tag} class="diff-{tag}"><span class="diff-sr">{escape(label)} </span>'
        f'<span class="diff-symbol" aria-hidden="true">{symbol}</span>{escape(text)}</{tag}>'
    )


def _words(old_text: str, new_text: str) -> tuple[str, bool]:
    """The words of one block, changes marked: (html, whether anything changed)."""
    old, new = _tokens(old_text), _tokens(new_text)
    matcher = difflib.SequenceMatcher(
        None, [word for word, _ in old], [word for word, _ in new], autojunk=False
    )
    parts, changed = [], False
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            text, space = _joined(new[j1:j2])
            parts.append(escape(text) + space)
            continue
        changed = True
        deleted, deleted_space = _joined(old[i1:i2])
        inserted, inserted_space = _joined(new[j1:j2])
        parts.append(_mark("del", deleted))
        if deleted and inserted:
            parts.append(" ")
        parts.append(_mark("ins", inserted))
        parts.append(inserted_space if inserted else deleted_space)
    return "".join(parts).rstrip(), changed


def _block_html(kind: str, inner: str, state: str) -> str:
    # A line of a plain field stays inline (a span), so the diff fits in a table cell or a <p>.
    element = "span" if kind == "line" else "div"
    attributes = f' class="diff-block diff-{kind} diff-{state}"'
    if kind in HEADINGS:
        attributes += f' role="heading" aria-level="{kind[1]}"'
    return f"<{element}{attributes}>{inner}</{element}>"


def _whole(block: Block, tag: str) -> str:
    state = "inserted" if tag == "ins" else "deleted"
    return _block_html(block.kind, _mark(tag, block.text), state)


def _changed(old: Block, new: Block) -> str:
    inner, changed = _words(old.text, new.text)
    return _block_html(new.kind, inner, "changed" if changed else "equal")


def _alike(old: Block, new: Block) -> bool:
    old_words = [word for word, _ in _tokens(old.text)]
    new_words = [word for word, _ in _tokens(new.text)]
    matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
    return matcher.quick_ratio() >= _ALIKE and matcher.ratio() >= _ALIKE


def _pair(old: list[Block], new: list[Block]) -> list[str]:
    """One changed stretch: blocks alike enough are one block changed, the rest are whole
    blocks deleted or inserted, in document order."""
    if len(old) == len(new) or len(old) * len(new) > _MAX_PAIRINGS:
        common = min(len(old), len(new))
        out = [_changed(o, n) for o, n in zip(old[:common], new[:common], strict=True)]
        out += [_whole(block, "del") for block in old[common:]]
        out += [_whole(block, "ins") for block in new[common:]]
        return out
    out, next_new = [], 0
    for block in old:
        match = next((j for j in range(next_new, len(new)) if _alike(block, new[j])), None)
        if match is None:
            out.append(_whole(block, "del"))
            continue
        out += [_whole(inserted, "ins") for inserted in new[next_new:match]]
        out.append(_changed(block, new[match]))
        next_new = match + 1
    out += [_whole(inserted, "ins") for inserted in new[next_new:]]
    return out


def _diff_blocks(old: list[Block], new: list[Block]) -> list[str]:
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    out = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out += [_block_html(b.kind, escape(b.text), "equal") for b in new[j1:j2]]
        elif op == "delete":
            out += [_whole(block, "del") for block in old[i1:i2]]
        elif op == "insert":
            out += [_whole(block, "ins") for block in new[j1:j2]]
        else:
            out += _pair(old[i1:i2], new[j1:j2])
    return out


def word_diff(old_html: str, new_html: str) -> SafeString:
    """The rendered text of the new version, with what changed from the old one marked."""
    blocks = _diff_blocks(blocks_of(old_html), blocks_of(new_html))
    # Every piece of text above went through escape(); the markup around it is our own.
    return mark_safe(f'<div class="diff">{"".join(blocks)}</div>')  # noqa: S308


def field_diff(old: str | None, new: str | None) -> SafeString:
    """A short plain field (title, lead, one item per line), changes marked line by line."""
    old_lines = [Block("line", " ".join(line.split())) for line in (old or "").splitlines()]
    new_lines = [Block("line", " ".join(line.split())) for line in (new or "").splitlines()]
    old_lines = [line for line in old_lines if line.text]
    new_lines = [line for line in new_lines if line.text]
    blocks = _diff_blocks(old_lines, new_lines)
    # As in word_diff: escaped text, our markup.
    return mark_safe(f'<span class="diff diff-field">{"".join(blocks)}</span>')  # noqa: S308


def list_diff(old: list[str], new: list[str]) -> SafeString:
    """Named items (the objects of a relation), each kept, added or removed as a whole."""
    old_items, new_items = (
        [Block("line", str(i)) for i in old],
        [Block("line", str(i)) for i in new],
    )
    matcher = difflib.SequenceMatcher(None, old_items, new_items, autojunk=False)
    out = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out += [_block_html("line", escape(b.text), "equal") for b in new_items[j1:j2]]
            continue
        out += [_whole(block, "del") for block in old_items[i1:i2]]
        out += [_whole(block, "ins") for block in new_items[j1:j2]]
    # As in word_diff: escaped text, our markup.
    return mark_safe(f'<span class="diff diff-field">{"".join(out)}</span>')  # noqa: S308


def legend() -> SafeString:
    """What the marks mean, once per page that shows a diff."""
    title, inserted, deleted = _("Tegnforklaring:"), _("satt inn"), _("slettet")
    return mark_safe(  # noqa: S308 - our markup around escaped text
        f'<p class="diff-legend">{escape(title)} '
        f'<ins class="diff-ins"><span class="diff-symbol" aria-hidden="true">+</span>'
        f"{escape(inserted)}</ins> "
        f'<del class="diff-del"><span class="diff-symbol" aria-hidden="true">−</span>'
        f"{escape(deleted)}</del></p>"
    )
