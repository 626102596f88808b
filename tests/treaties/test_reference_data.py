import datetime as dt
import json

from treaties.models import Deadline, Party, SourceKind, Statement, Treaty, TreatyAlias, TreatyEvent
from treaties.precision import PreciseDate
from treaties.reference_data import DATASET, load_reference_data
from treaties.sources import is_denied

MODELS = [Party, Treaty, TreatyAlias, TreatyEvent, Deadline, Statement]


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_loading_twice_gives_the_same_rows(reference_data):
    # The shared dataset is the command's own first load (tests/support/reference_snapshot.py); this is the second.
    first = counts()
    assert all(first.values())
    second_run = load_reference_data()
    assert counts() == first
    assert not [label for label in second_run if label.endswith(("created", "updated", "deleted")) and
                second_run[label]]


TODAY = "2026-11-30"


def shipped() -> dict:
    return json.loads(DATASET.read_text(encoding="utf-8"))


def test_the_record_ships_sixty_treaties_and_what_falls_due_next(reference_data):
    assert Treaty.objects.count() >= 60
    upcoming = Deadline.objects.filter(date__gt=dt.date(2026, 11, 30), superseded_on__isnull=True)
    assert upcoming.count() >= 25
    assert all(d.source_url and d.source_kind for d in upcoming if not d.is_derived)


def test_every_shipped_fact_has_a_source_with_its_kind_and_none_from_a_denied_host():
    facts = [(t["slug"], f) for t in shipped()["treaties"] for f in t["events"] + t["deadlines"]]
    assert facts
    assert [(slug, f["key"]) for slug, f in facts if not f["source_url"] or f["source_kind"] not in SourceKind] == []
    assert [(slug, f["source_url"]) for slug, f in facts if is_denied(f["source_url"])] == []
    sources = [u for t in shipped()["treaties"] for u in t["provisions"]["sources"]]
    sources += [s["url"] for s in shipped()["statements"]]
    assert [u for u in sources if is_denied(u)] == []


def test_the_denylist_catches_mirrors_and_aggregators():
    assert is_denied("https://en.wikipedia.org/wiki/New_START")
    assert is_denied("https://secure.wikimedia.org/wikipedia/en/wiki/START")
    assert is_denied("https://news.mail.ru/incident/69363979/")
    assert not is_denied("https://treaties.un.org/Pages/ViewDetails.aspx")
    assert not is_denied("https://tass.com/politics/1608067")


def test_statements_come_from_every_side_on_many_treaties():
    statements = shipped()["statements"]
    assert len(statements) >= 40
    assert len({s["voice"] for s in statements if s["voice"]}) >= 4
    assert len({slug for s in statements for slug in s["treaties"]}) >= 10
    assert any(s["url"] == "https://tass.com/politics/1608067" and s["speaker"] == "Grigory Mashkov"
               for s in statements)


def test_no_editors_note_reaches_a_public_page(reference_data, client):
    notes = [n for n in Treaty.objects.values_list("editor_note", flat=True) if n]
    notes += [n for n in TreatyEvent.objects.values_list("editor_note", flat=True) if n]
    notes += [n for n in Deadline.objects.values_list("editor_note", flat=True) if n]
    assert notes, "the shipped data has editors' notes to hide"
    pages = ["/", "/treaties/", "/statements/", "/timeline/", "/api/v1/treaties/?page_size=200", "/treaties.csv",
             "/calendar.ics"] + [f"/treaties/{slug}/" for slug in Treaty.objects.values_list("slug", flat=True)]
    for url in pages:
        response = client.get(url)
        body = b"".join(response.streaming_content if response.streaming else [response.content]).decode()
        leaked = [n for n in notes if len(n) > 20 and n in body]
        assert leaked == [], url


def test_every_shipped_date_carries_a_precision_and_a_source(reference_data):
    for model in (TreatyEvent, Deadline, Statement):
        for row in model.objects.all():
            assert row.precision in ("day", "month", "year")
            assert (row.url if model is Statement else row.source_url).startswith("http")


def test_new_starts_expiry_is_derived_from_entry_into_force_term_and_extension(reference_data):
    expiry = Deadline.objects.get(treaty__slug="new-start", kind="expiry", superseded_by__isnull=True)
    assert expiry.when == PreciseDate.parse("2026-02-05")
    assert expiry.rule == "term"
    assert expiry.derived_from.kind == "extended"
    assert expiry.source_url == expiry.derived_from.source_url


def test_the_tass_interview_is_linked_to_new_start(reference_data):
    statement = Statement.objects.get(url="https://tass.com/politics/1608067")
    assert statement.when == PreciseDate(dt.date(2023, 4, 22))
    assert statement.speaker == "Grigory Mashkov"
    assert "vacuum" in statement.quote
    assert list(statement.treaties.values_list("slug", flat=True)) == ["new-start"]


def test_russian_aliases_are_kept(reference_data):
    aliases = set(TreatyAlias.objects.filter(treaty__slug="new-start").values_list("name", flat=True))
    assert {"ДСНВ", "СНВ-III"} <= aliases


def test_an_edited_dataset_updates_records_in_place(reference_data, tmp_path):
    dataset = json.loads(DATASET.read_text(encoding="utf-8"))
    new_start = next(t for t in dataset["treaties"] if t["slug"] == "new-start")
    new_start["summary"] = "Edited summary."
    extension = next(e for e in new_start["events"] if e["kind"] == "extended")
    extension["extension_years"] = 4  # a corrected fact moves the derived expiry
    edited = tmp_path / "reference.json"
    edited.write_text(json.dumps(dataset), encoding="utf-8")
    before = counts()

    result = load_reference_data(edited)

    assert counts() == before
    assert Treaty.objects.get(slug="new-start").summary == "Edited summary."
    expiry = Deadline.objects.get(treaty__slug="new-start", kind="expiry", superseded_by__isnull=True)
    assert expiry.when == PreciseDate.parse("2025-02-05")
    assert result["treaties updated"] == 1
    assert result["derived deadlines updated"] == 1


def test_an_event_removed_from_the_dataset_is_removed_but_editors_events_stay(reference_data, tmp_path):
    dataset = json.loads(DATASET.read_text(encoding="utf-8"))
    abm = next(t for t in dataset["treaties"] if t["slug"] == "abm")
    abm["events"] = [e for e in abm["events"] if e["kind"] != "withdrawal_notice"]
    edited = tmp_path / "reference.json"
    edited.write_text(json.dumps(dataset), encoding="utf-8")
    treaty = Treaty.objects.get(slug="abm")
    TreatyEvent.objects.create(treaty=treaty, kind="other", date=dt.date(2002, 6, 14),
                               description="Added by an editor.", source_url="https://example.org/")

    load_reference_data(edited)

    assert not treaty.events.filter(kind="withdrawal_notice").exists()
    assert not treaty.deadlines.filter(kind="withdrawal_effective").exists()
    assert treaty.events.filter(description="Added by an editor.").exists()


def test_reloading_keeps_what_editors_changed_or_added(reference_data, tmp_path):
    treaty = Treaty.objects.get(slug="new-start")
    treaty.summary = "Corrected by an editor."
    treaty.save()
    added = TreatyEvent.objects.create(treaty=treaty, kind="other", date=dt.date(2026, 3, 1), key="editor-note",
                                       description="Added by an editor.", source_url="https://example.org/")
    dataset = json.loads(DATASET.read_text(encoding="utf-8"))
    next(t for t in dataset["treaties"] if t["slug"] == "new-start")["summary"] = "A newer dataset summary."
    edited = tmp_path / "reference.json"
    edited.write_text(json.dumps(dataset), encoding="utf-8")

    result = load_reference_data(edited)

    treaty.refresh_from_db()
    assert treaty.summary == "Corrected by an editor."
    assert result["treaties kept as edited"] == 1
    assert TreatyEvent.objects.filter(pk=added.pk).exists()


def test_the_quote_check_finds_a_quote_that_differs_from_its_saved_page(tmp_path):
    import re
    import subprocess
    import sys

    mashkov = next(s for s in shipped()["statements"] if s["url"] == "https://tass.com/politics/1608067")
    name = re.sub(r"[^A-Za-z0-9.-]", "_", mashkov["url"])
    script = [sys.executable, str(DATASET.parents[2] / "scripts" / "check_quotes.py"), str(tmp_path)]
    (tmp_path / f"{name}.html").write_text(f"<p>MOSCOW. {mashkov['quote'].replace('’', '&#8217;')}</p>")
    matched = subprocess.run(script, capture_output=True, text=True)
    assert matched.returncode == 0 and f"matched    {mashkov['url']}" in matched.stdout
    (tmp_path / f"{name}.html").write_text("<p>MOSCOW. A different sentence altogether.</p>")
    differs = subprocess.run(script, capture_output=True, text=True)
    assert differs.returncode == 1 and f"DIFFERS    {mashkov['url']}" in differs.stdout


def test_a_record_twice_in_a_dataset_is_one_row_that_the_later_one_updates(db, tmp_path):
    # On an empty database: the second record with the same key finds the row the first just created.
    dataset = shipped()
    new_start = next(t for t in dataset["treaties"] if t["slug"] == "new-start")
    new_start["events"].append(dict(new_start["events"][0], description="The same event, described again."))
    dataset["statements"].append(dict(dataset["statements"][0], title="The same statement, titled again."))
    edited = tmp_path / "reference.json"
    edited.write_text(json.dumps(dataset), encoding="utf-8")

    load_reference_data(edited)

    event = TreatyEvent.objects.get(treaty__slug="new-start", key=new_start["events"][0]["key"])
    assert event.description == "The same event, described again."
    assert Statement.objects.get(url=dataset["statements"][0]["url"]).title == "The same statement, titled again."
