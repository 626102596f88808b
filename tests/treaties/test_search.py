"""Searching statements: words in any script, web-search syntax, ranked results (treaties.search)."""

import datetime as dt
import re

import pytest
from django.db import connection

from treaties import search
from treaties.models import Statement
from treaties.selectors import statement_search

ON = dt.date(2026, 11, 27)


@pytest.fixture
def postgresql(db):
    """Full-text search (stems of no language, accents folded, ranking by weight) lives in PostgreSQL."""
    if connection.vendor != "postgresql":
        pytest.skip("full-text search is PostgreSQL's; SQLite keeps a substring search")


def said(title, *, quote="", speaker="", day=1):
    return Statement.objects.create(title=title, quote=quote, speaker=speaker, outlet="Wire",
                                    url=f"https://example.org/{len(title)}-{abs(hash(title))}",
                                    date=dt.date(2026, 1, day))


def titles(q, **filters):
    return [s.title for s in statement_search(on=ON, q=q, **filters)]


def text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# Both databases


def test_a_search_finds_every_word_in_title_quote_or_speaker_whatever_the_case(db):
    said("Moscow on arms control", quote="Strategic stability talks resume.", speaker="Sergei Ryabkov")
    said("Washington on arms control", quote="No talks.", day=2)
    assert titles("STRATEGIC talks") == ["Moscow on arms control"]
    assert titles("ryabkov arms") == ["Moscow on arms control"]
    assert titles("arms control") == ["Washington on arms control", "Moscow on arms control"]


def test_a_minus_leaves_words_out_and_quotes_keep_a_phrase_together(db):
    said("New START expires", quote="Strategic stability is at risk.")
    said("Stability of the regime", quote="A strategic choice.", day=2)
    assert titles('"strategic stability"') == ["New START expires"]
    assert sorted(titles("strategic stability")) == ["New START expires", "Stability of the regime"]
    assert titles("stability -START") == ["Stability of the regime"]


def test_a_search_with_no_word_in_it_matches_nothing_and_the_page_says_why(db, client):
    said("Remarks?!", quote="?!")
    assert titles("?!") == []
    response = client.get("/statements/?q=%3F%21+%22")
    assert response.status_code == 200
    assert "“?! \"” has no words to search for: type a word." in text(response).replace("&quot;", '"')


def test_the_api_finds_the_same_and_documents_the_order(db, client):
    said("Moscow on arms control", quote="Strategic stability talks resume.")
    found = client.get("/api/v1/statements/?q=stability").json()
    assert [s["title"] for s in found["results"]] == ["Moscow on arms control"]
    assert client.get("/api/v1/statements/?q=%21%21").json()["count"] == 0
    assert client.get("/api/v1/statements/?sort=oldest").status_code == 400
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/statements/"]["get"]["parameters"]}
    assert parameters["sort"]["schema"]["enum"] == ["relevance", "newest"]
    assert "1,000 newest matches" in parameters["sort"]["description"]


def test_a_title_match_ranks_above_a_newer_quote_match_and_sort_newest_lists_by_date(db):
    said("Arms talks", quote="The treaty lapses.", day=20)
    said("Treaty lapses", quote="Nothing else.", day=1)
    assert titles("treaty") == ["Treaty lapses", "Arms talks"]
    assert titles("treaty", sort="newest") == ["Arms talks", "Treaty lapses"]


def test_the_page_says_what_order_a_search_is_in_and_links_to_the_other(db, client):
    said("Arms talks", quote="The treaty lapses.")
    body = text(client.get("/statements/?q=treaty"))
    assert "1 statement found. Most relevant first · Sort by newest" in body
    body = text(client.get("/statements/?q=treaty&sort=newest"))
    assert "1 statement found. Newest first · Sort by relevance" in body
    assert "Most relevant" not in text(client.get("/statements/"))


def test_only_the_newest_matches_are_ranked_and_the_page_says_so(db, client, monkeypatch):
    monkeypatch.setattr(search, "RANKED_MATCHES", 2)
    said("Old treaty news", day=1)
    said("Newer mention", quote="treaty", day=2)
    said("Newest mention", quote="treaty", day=3)
    assert titles("treaty") == ["Newest mention", "Newer mention"]
    assert len(titles("treaty", sort="newest")) == 3
    body = text(client.get("/statements/?q=treaty"))
    assert "2 or more statements found. Most relevant of the 2 newest matches · Sort by newest" in body


def test_the_speaker_filter_still_matches_part_of_a_name(db):
    said("Remarks", speaker="Dmitry Peskov")
    assert [s.title for s in statement_search(on=ON, speaker="pesk")] == ["Remarks"]


def test_the_csv_of_a_search_holds_every_match_newest_first(db, client, monkeypatch):
    monkeypatch.setattr(search, "RANKED_MATCHES", 1)
    said("Treaty one", day=1)
    said("Treaty two", day=2)
    body = b"".join(client.get("/statements.csv?q=treaty").streaming_content).decode()
    assert body.index("Treaty two") < body.index("Treaty one")


# PostgreSQL


def test_cyrillic_words_are_found_in_any_case(postgresql):
    said("Рябков о ДСНВ", quote="Договор истёк.")
    said("Ryabkov on New START")
    assert titles("дснв") == ["Рябков о ДСНВ"]
    assert titles("ДОГОВОР") == ["Рябков о ДСНВ"]


def test_accents_do_not_matter_either_way(postgresql):
    said("Interview", speaker="Rafael Méndez")
    said("Mendez again", day=2)
    assert titles("mendez") == ["Mendez again", "Interview"]
    assert titles("Méndez") == ["Mendez again", "Interview"]


def test_the_title_outranks_the_speaker_which_outranks_the_quote(postgresql):
    said("Quote", quote="Lavrov said so.", day=3)
    said("Speaker", speaker="Sergei Lavrov", day=2)
    said("Lavrov in the title", day=1)
    assert titles("lavrov") == ["Lavrov in the title", "Speaker", "Quote"]


def test_or_between_words_finds_either(postgresql):
    said("Paris accord", day=1)
    said("Kyoto protocol", day=2)
    said("Montreal protocol", day=3)
    assert titles("paris or kyoto") == ["Kyoto protocol", "Paris accord"]


def test_a_statement_edited_later_is_found_by_its_new_words(postgresql):
    statement = said("Draft")
    statement.title = "Final text on the moratorium"
    statement.save()
    assert titles("moratorium") == ["Final text on the moratorium"]
    assert titles("draft") == []
