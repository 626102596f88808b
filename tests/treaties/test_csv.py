import csv
import io

from treaties.models import Statement, Treaty


def rows(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_treaty_csv_honours_the_lists_filters(reference_data, client):
    table = rows(client.get("/treaties.csv?category=environment&on=2025-12-01"))
    slugs = [r["slug"] for r in table]
    assert {"paris-agreement", "unfccc"} <= set(slugs) and "new-start" not in slugs
    assert set(slugs) == set(Treaty.objects.filter(category="environment").values_list("slug", flat=True))
    paris = next(r for r in table if r["slug"] == "paris-agreement")
    assert paris["status_on_2025-12-01"] == "in force"
    assert paris["status_qualifiers"] == ""  # out from 4 Nov 2020 to 18 Feb 2021; again only from 27 Jan 2026
    assert paris["next_deadline"] == "2026-01-27"


def test_the_statements_csv_honours_filters_and_keeps_cyrillic(reference_data, client):
    table = rows(client.get("/statements.csv?speaker=mashkov"))
    assert len(table) == 1
    assert table[0]["url"] == "https://tass.com/politics/1608067"
    assert table[0]["treaties"] == "new-start"


def test_a_formula_in_a_statement_is_kept_as_text(reference_data, client):
    Statement.objects.create(title="=HYPERLINK(\"http://evil\")", outlet="Feed", url="https://example.org/x",
                             date="2026-01-01")
    (row,) = rows(client.get("/statements.csv?outlet=Feed"))
    assert row["title"] == "'=HYPERLINK(\"http://evil\")"


def test_bad_filters_on_a_csv_get_a_400_naming_them(reference_data, client):
    response = client.get("/treaties.csv?due_within=soon")
    assert response.status_code == 400
    assert "Falls due within (days): Enter a whole number." in response.content.decode()
