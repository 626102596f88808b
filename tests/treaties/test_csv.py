import csv
import io

from treaties.models import Deadline, Statement, Treaty


def rows(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_treaty_csv_honours_the_lists_filters(reference_data, client):
    table = rows(client.get("/treaties.csv?category=environment&on=2025-12-01"))
    slugs = [r["slug"] for r in table]
    assert {"paris-agreement", "unfccc"} <= set(slugs) and "new-start" not in slugs
    assert set(slugs) == set(Treaty.objects.filter(category="environment").values_list("slug", flat=True))
    paris = next(r for r in table if r["slug"] == "paris-agreement")
    assert (paris["status"], paris["status_label"], paris["status_on"]) == ("in_force", "in force", "2025-12-01")
    assert paris["status_qualifiers"] == ""  # out from 4 Nov 2020 to 18 Feb 2021; again only from 27 Jan 2026
    assert (paris["next_deadline"], paris["next_deadline_precision"]) == ("2026-01-27", "day")


def test_the_status_column_keeps_its_name_whatever_the_day(reference_data, client):
    headers = {tuple(csv.reader(io.StringIO(b"".join(client.get(f"/treaties.csv?on={day}").streaming_content)
                                            .decode())).__next__()) for day in ("2020-01-01", "2026-11-30")}
    (header,) = headers
    assert "status" in header and "status_on" in header


def test_python_reads_the_first_column_name_cleanly_and_excel_gets_its_byte_order_mark(reference_data, client):
    plain = b"".join(client.get("/treaties.csv").streaming_content)
    assert plain.startswith(b"slug,")
    assert next(csv.reader(io.StringIO(plain.decode())))[0] == "slug"
    excel = b"".join(client.get("/treaties.csv?for=excel").streaming_content)
    assert excel.startswith("\ufeff".encode()) and excel[3:] == plain


def test_a_year_precision_deadline_says_the_year_and_not_a_day(reference_data, client):
    treaty = Treaty.objects.get(slug="new-start")
    Deadline.objects.create(treaty=treaty, kind="other", date="2031-01-01", precision="year", key="a-year")
    (row,) = [r for r in rows(client.get("/deadlines.csv?treaty=new-start")) if r["key"] == "a-year"]
    assert (row["date"], row["date_precision"]) == ("2031", "year")


def test_a_range_keeps_both_ends_and_says_it_is_a_range(reference_data, client):
    treaty = Treaty.objects.get(slug="new-start")
    Deadline.objects.create(treaty=treaty, kind="other", date="2026-07-01", precision="range",
                            date_until="2027-06-30", key="a-range")
    (row,) = [r for r in rows(client.get("/deadlines.csv?treaty=new-start")) if r["key"] == "a-range"]
    assert (row["date"], row["date_precision"]) == ("2026-07-01/2027-06-30", "range")


def test_the_treaty_csv_names_aliases_in_any_script_and_the_parties(reference_data, client):
    (new_start,) = [r for r in rows(client.get("/treaties.csv?q=new-start")) if r["slug"] == "new-start"]
    assert "ДСНВ" in new_start["aliases"].split("; ")
    assert set(new_start["parties"].split()) == {"russia", "united-states"}
    assert "Russian Federation" in new_start["party_names"] or "Russia" in new_start["party_names"]


def test_events_parties_and_deadlines_come_as_csv_too(reference_data, client):
    events = rows(client.get("/events.csv?treaty=new-start"))
    assert {r["treaty"] for r in events} == {"new-start"}
    assert any(r["kind"] == "extended" and r["date"] == "2021-02-03" for r in events)
    assert all(r["source_url"].startswith("http") for r in events)
    assert "editor_note" not in events[0]
    parties = rows(client.get("/parties.csv"))
    assert {"russia", "united-states"} <= {r["slug"] for r in parties}
    deadlines = rows(client.get("/deadlines.csv?treaty=new-start&on=2020-01-01"))
    assert [(r["kind"], r["date"]) for r in deadlines if r["kind"] == "expiry"] == [("expiry", "2021-02-05")]


def test_events_as_of_a_day_leave_out_what_had_not_happened(reference_data, client):
    events = rows(client.get("/events.csv?treaty=new-start&on=2020-01-01"))
    assert events and all(r["date"] <= "2020-01-01" for r in events)
    assert not any(r["kind"] == "extended" for r in events)


def test_an_unknown_treaty_on_an_events_csv_gets_a_400_naming_it(reference_data, client):
    response = client.get("/events.csv?treaty=no-such-treaty")
    assert response.status_code == 400
    assert "no-such-treaty" in response.content.decode()
    assert client.get("/deadlines.csv", {"treaty": "new-start\x00"}).status_code == 400


def test_the_statements_csv_honours_filters_and_keeps_cyrillic(reference_data, client):
    table = rows(client.get("/statements.csv?speaker=mashkov"))
    assert len(table) == 1
    assert table[0]["url"] == "https://tass.com/politics/1608067"
    assert table[0]["treaties"] == "new-start"
    assert table[0]["published_precision"] == "day"


def test_a_formula_in_a_statement_is_kept_as_text(reference_data, client):
    Statement.objects.create(title="=HYPERLINK(\"http://evil\")", outlet="Feed", url="https://example.org/x",
                             date="2026-01-01")
    (row,) = rows(client.get("/statements.csv?outlet=Feed"))
    assert row["title"] == "'=HYPERLINK(\"http://evil\")"


def test_bad_filters_on_a_csv_get_a_400_naming_them(reference_data, client):
    response = client.get("/treaties.csv?due_within=soon")
    assert response.status_code == 400
    assert "Falls due within (days): Enter a whole number." in response.content.decode()
