"""Which treaties a text mentions, by their names and aliases.

Pure: give it (treaty, name) pairs and a text, and it says which treaties
the text names and with which words. Whole words only, case-insensitive,
Latin and Cyrillic alike; "ё" reads as "е", any dash as a hyphen and any run
of spaces as one, as people type them. Where one stretch of text could name
two things, the longest name wins ("New START" is not also "START"); a name
two treaties share is reported as ambiguous, for a person to decide.

A name is also shared with every treaty whose name is it plus one word
("START" with "New START" and "START II", "Strategic Arms Reduction Treaty"
with "New Strategic Arms Reduction Treaty"): people drop that word when the
context makes it clear, so a bare "START" may mean any of them.

What the record knows narrows that down: given the treaties alive when the text was written, a shared name
that only one of them bears names that one ("START restrictions" in 2025 can only be New START: START I
lapsed in 2009 and START II never entered into force). What stays ambiguous is left for a person.
"""

import re
from collections.abc import Collection, Hashable, Iterable
from dataclasses import dataclass

_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2212"
_DASH = re.compile(f"[{_DASHES}]")
_SPACE = re.compile(r"\s+")
# A normalised name without its first or last word.
_WITHOUT_FIRST_WORD = re.compile(r"^[^ -]+[ -]+(.+)$")
_WITHOUT_LAST_WORD = re.compile(r"^(.+?)[ -]+[^ -]+$")


@dataclass(frozen=True)
class Mention:
    treaty: Hashable  # whatever key the caller gave: a Treaty, its id or its slug
    words: tuple[str, ...]  # the words in the text that named it, as written there, in order of appearance
    ambiguous: bool = False  # every name that matched is shared with another treaty


@dataclass(frozen=True)
class Occurrence:
    """One place in a text where a name appears."""

    start: int
    end: int
    words: str  # as written in the text
    treaties: tuple[Hashable, ...]  # more than one when the name is shared

    @property
    def ambiguous(self) -> bool:
        return len(self.treaties) > 1


def normalise(name: str) -> str:
    """The form two spellings of one name share."""
    name = _SPACE.sub(" ", name.strip()).casefold().replace("ё", "е")
    return _DASH.sub("-", name)


def _char_pattern(char: str) -> str:
    if char == " ":
        return r"\s+"
    if char == "-":
        return f"[{_DASHES}]"
    if char == "е":
        return "[её]"
    return re.escape(char)


def _trie_pattern(names: Iterable[str]) -> str:
    """One pattern for normalised names, shaped as the tree of their shared beginnings.

    A flat alternation makes the regex try every name at every position of the text; the tree tries only the
    names that begin with the characters read so far. At each character a longer name is tried before a name
    that ends there, so at any position the longest name wins, as it did when the names were tried longest first.
    """
    tree: dict = {}
    for name in names:
        node = tree
        for char in name:
            node = node.setdefault(char, {})
        node[""] = {}  # a name ends here
    return _branch_pattern(tree)


def _branch_pattern(node: dict) -> str:
    branches = [_char_pattern(char) + _branch_pattern(child) for char, child in node.items() if char]
    if not branches:
        return ""
    if "" in node:  # the name read so far is whole: longer names first, then this one
        return "(?:" + "|".join(branches) + ")?"
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


class TreatyMatcher:
    """Compiled once for a set of names, then asked about many texts."""

    def __init__(self, names: Iterable[tuple[Hashable, str]]):
        self._treaties: dict[str, list[Hashable]] = {}
        for treaty, name in names:
            key = normalise(name)
            if key and treaty not in self._treaties.setdefault(key, []):
                self._treaties[key].append(treaty)
        self._share_shortened_names()
        self._regex = (
            re.compile(r"(?<!\w)" + _trie_pattern(self._treaties) + r"(?!\w)", re.IGNORECASE)
            if self._treaties
            else None
        )

    def _share_shortened_names(self) -> None:
        shortened: dict[str, list[Hashable]] = {}
        for key, treaties in self._treaties.items():
            for pattern in (_WITHOUT_FIRST_WORD, _WITHOUT_LAST_WORD):
                match = pattern.match(key)
                if match and match.group(1) in self._treaties:
                    shortened.setdefault(match.group(1), []).extend(treaties)
        for key, treaties in shortened.items():
            for treaty in treaties:
                if treaty not in self._treaties[key]:
                    self._treaties[key].append(treaty)

    def occurrences(self, text: str) -> list[Occurrence]:
        """Every place a name appears, in order."""
        if self._regex is None or not text:
            return []
        return [
            Occurrence(match.start(), match.end(), match.group(), tuple(self._treaties[normalise(match.group())]))
            for match in self._regex.finditer(text)
        ]

    def mentions(self, text: str, alive: Collection[Hashable] | None = None, *,
                 occurrences: list[Occurrence] | None = None) -> list[Mention]:
        """The treaties named; with `alive`, a shared name only one living treaty bears names that one.

        `occurrences`, when the caller has them already (`self.occurrences(text)`), spare reading the text twice."""
        words: dict[Hashable, list[str]] = {}
        clear: dict[Hashable, bool] = {}
        for occurrence in self.occurrences(text) if occurrences is None else occurrences:
            if occurrence.ambiguous and alive is not None:
                living = tuple(t for t in occurrence.treaties if t in alive)
                if len(living) == 1:
                    occurrence = Occurrence(occurrence.start, occurrence.end, occurrence.words, living)
            for treaty in occurrence.treaties:
                if occurrence.words not in words.setdefault(treaty, []):
                    words[treaty].append(occurrence.words)
                clear[treaty] = clear.get(treaty, False) or not occurrence.ambiguous
        return [Mention(treaty, tuple(found), ambiguous=not clear[treaty]) for treaty, found in words.items()]


def treaty_mentions(text: str, names: Iterable[tuple[Hashable, str]]) -> list[Mention]:
    """The treaties `text` mentions, in order of first mention; see `TreatyMatcher` to reuse the names."""
    return TreatyMatcher(names).mentions(text)
