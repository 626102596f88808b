"""Words in statements: which statements a search matches, and how relevant each is.

On PostgreSQL each statement carries a stored search vector (`search_vector`, a generated column with a GIN
index, migration 0021): its title (weight A), speaker (B) and quote (C), accents removed, words taken as they
are in any script ('simple'). The column is the database's own: the model does not declare it, so no query,
history row, export or form ever reads or writes it; `StoredVector()` names it in a query. A search is read as
a web search engine reads one (`websearch_to_tsquery`: `"a phrase"`, `-word`, `or`).

On SQLite (the embedded default, small) every word must appear, case-blind for ASCII letters, in the title,
quote or speaker; a title match ranks above the rest.

Ranking a word found in a million statements would read a million rows, so a search ranks only the newest
`RANKED_MATCHES` matches (walking the date index stops there); `sort=newest` pages through every match.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorExact, SearchVectorField
from django.db import connection
from django.db.models import Case, Expression, F, Func, Q, QuerySet, Value, When, Window
from django.db.models.expressions import Col
from django.db.models.functions import RowNumber

from .models import Statement

RANKED_MATCHES = 1_000
SORTS = {"relevance": f"Most relevant of the {RANKED_MATCHES:,} newest matches", "newest": "Newest first"}
UNACCENT = "treaties_unaccent"  # an IMMUTABLE wrapper of unaccent(), created by migration 0021

_VECTOR = SearchVectorField()
_VECTOR.set_attributes_from_name("search_vector")
_VECTOR.model = Statement


class StoredVector(Expression):
    """The statement's stored search vector (PostgreSQL only), under whatever alias the query gives its table."""

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        return Col(query.get_initial_alias(), _VECTOR)


def has_words(q: str) -> bool:
    """Whether a search has anything to look for: "?!" has no word, and matches nothing."""
    return any(character.isalnum() for character in q)


def ranked(statements: QuerySet, q: str, *, sort: str = "relevance") -> QuerySet:
    """The statements that match `q`: newest first, or (`relevance`) the newest `RANKED_MATCHES`, most relevant
    first and newest first among equals."""
    if not has_words(q):
        return statements.none()
    postgres = connection.vendor == "postgresql"
    matches = statements.filter(_matching_postgres(q) if postgres else _matching_sqlite(q))
    if sort == "newest":
        return matches.order_by("-date", "-id")
    # One pass: number the matches newest first and rank those numbered up to the limit. PostgreSQL (15+) stops
    # reading at the limit (the window's run condition), so a word in every row reads RANKED_MATCHES rows.
    rank = SearchRank(StoredVector(), _query(q), cover_density=True) if postgres else _title_first(q)
    return (matches.alias(rank=rank)
            .annotate(newness=Window(RowNumber(), order_by=[F("date").desc(), F("id").desc()]))
            .filter(newness__lte=RANKED_MATCHES).order_by(F("rank").desc(), "-date", "-id"))


def _query(q: str) -> SearchQuery:
    return SearchQuery(Func(Value(q), function=UNACCENT), search_type="websearch", config="simple")


def _matching_postgres(q: str) -> SearchVectorExact:
    return SearchVectorExact(StoredVector(), _query(q))


# A quoted phrase, or a word; either may be excluded with a leading minus.
_TERM = re.compile(r'(-?)"([^"]*)"|(-?)(\S+)')


def _terms(q: str) -> tuple[list[str], list[str]]:
    """The phrases and words of `q` that must appear, and those that must not (bare words without the
    punctuation around them)."""
    wanted, unwanted = [], []
    for minus, phrase, word_minus, word in _TERM.findall(q):
        text = phrase.strip() if phrase else re.sub(r"^\W+|\W+$", "", word)
        if text and has_words(text):
            (unwanted if (minus or word_minus) else wanted).append(text)
    return wanted, unwanted


def _words_in(q: str, fields: list[str]) -> Q:
    wanted, _ = _terms(q)
    found = Q()
    for term in wanted:
        found &= Q.create([(f"{field}__icontains", term) for field in fields], connector=Q.OR)
    return found


def _title_first(q: str) -> Case | Value:
    in_title = _words_in(q, ["title"])
    return Case(When(in_title, then=Value(1)), default=Value(0)) if in_title else Value(0)


def _matching_sqlite(q: str) -> Q:
    fields = ["title", "quote", "speaker"]
    matching = _words_in(q, fields)
    for term in _terms(q)[1]:
        matching &= ~Q.create([(f"{field}__icontains", term) for field in fields], connector=Q.OR)
    return matching
