"""Small facts about text for readers: a teaser that ends at a sentence, and a reading time."""

import math
import re

# A sentence ends with . ! ? or … (perhaps followed by a closing quote or bracket) before a space.
_SENTENCE_END = re.compile(r"(?<=[.!?…])[»”\")]*\s+")
_WORD = re.compile(r"[\wÆØÅæøå]+(?:[-'’][\wÆØÅæøå]+)*")
_MARKUP = re.compile(r"\]\([^)]*\)|<[^>]+>|[#*_`>|]")

# Factual prose on a screen: about 200 words a minute for a careful reader.
WORDS_PER_MINUTE = 200


def excerpt(text: str, max_chars: int = 160) -> str:
    """The text if it is short; else as many whole sentences as fit in `max_chars`. When even the
    first sentence is longer, it is cut at the last whole word and ends with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= max_chars:
        return text
    kept = ""
    for sentence in _split_sentences(text):
        candidate = f"{kept} {sentence}".strip()
        if len(candidate) > max_chars:
            break
        kept = candidate
    if kept:
        return kept
    cut = text[: max_chars + 1].rsplit(" ", 1)[0].rstrip(",;:–- ")
    return f"{cut} …"


def _split_sentences(text: str) -> list[str]:
    parts, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        parts.append(text[start : match.start() + len(match.group(0).rstrip())])
        start = match.end()
    parts.append(text[start:])
    return [part.strip() for part in parts if part.strip()]


def word_count(markdown_text: str) -> int:
    return len(_WORD.findall(_MARKUP.sub(" ", markdown_text)))


def reading_minutes(markdown_text: str) -> int:
    """Whole minutes to read a Markdown text, at least 1 (link targets and markup not counted)."""
    return max(1, math.ceil(word_count(markdown_text) / WORDS_PER_MINUTE))


# The Norwegian alphabet: Æ, Ø and Å come after Z.
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZÆØÅ"
_ORDER = {letter: index for index, letter in enumerate(ALPHABET)}
OTHER = "#"  # a heading for terms that start with a digit or a sign


def norwegian_key(text: str) -> tuple:
    return tuple((_ORDER.get(char, len(ALPHABET) + ord(char)), char) for char in text.upper())


def by_first_letter(items, text_of) -> list[tuple[str, list]]:
    """(letter, items) in Norwegian alphabetical order, for an A–Å jump list."""
    groups: dict[str, list] = {}
    for item in sorted(items, key=lambda item: norwegian_key(text_of(item))):
        first = text_of(item)[:1].upper()
        groups.setdefault(first if first in _ORDER else OTHER, []).append(item)
    return sorted(groups.items(), key=lambda group: _ORDER.get(group[0], -1))
