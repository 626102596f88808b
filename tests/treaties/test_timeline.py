"""The all-treaties timeline at /timeline/: its years, its marks, its links and its table."""

import datetime as dt
import re

import pytest
import time_machine

from treaties.models import Treaty
from treaties.selectors import lives
from treaties.web.chart import PLOT_LEFT, PLOT_RIGHT, Window, timeline_chart

ON = dt.date(2026, 11, 27)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def row_of(chart, slug):
    return next(row for row in chart.rows if row.treaty.slug == slug)


def chart_of(slugs, on=ON, window=None):
    treaties = list(Treaty.objects.filter(slug__in=slugs).with_record())
    return timeline_chart(treaties, lives(on, [t.pk for t in treaties]), on, window or Window.default(on))


# The years shown


def test_by_default_the_chart_shows_2000_through_the_year_after_the_as_of_day():
    assert Window.default(ON) == Window(2000, 2027)
    assert Window.default(dt.date(2025, 6, 1)) == Window(2000, 2026)
    assert Window.default(dt.date(1985, 6, 1)) == Window(1959, 1986)  # a day before 2010 shows the 28 years to it


def test_a_window_out_of_bounds_backwards_or_garbled_falls_back_to_the_default():
    assert Window.from_query({"from": "1990", "to": "2030"}, ON) == Window(1990, 2030)
    for query in [{"from": "2030", "to": "1990"}, {"from": "1700", "to": "2000"}, {"from": "x", "to": "2000"},
                  {"from": "1990"}, {}]:
        assert Window.from_query(query, ON) == Window(2000, 2027), query


def test_zooming_and_panning_keep_to_the_years_a_date_can_have():
    window = Window(2000, 2027)
    assert window.moved(-14) == Window(1986, 2013)
    assert window.zoomed(14) == Window(2007, 2020)
    assert Window(1800, 1830).moved(-15) == Window(1800, 1830)
    assert Window(1990, 2010).zoomed(1000) == Window(1800, 2199)
    assert Window(2000, 2003).zoomed(1).years == 4


def test_years_map_onto_the_axis_from_its_left_end_to_its_right():
    window = Window(2000, 2027)
    assert window.x(dt.date(2000, 1, 1)) == PLOT_LEFT
    assert window.x(dt.date(2028, 1, 1)) == PLOT_RIGHT
    assert window.ticks() == list(range(2000, 2028, 2))


# What is drawn


def test_new_starts_suspension_takes_more_than_a_tenth_of_the_default_chart(reference_data):
    row = row_of(chart_of(["new-start"]), "new-start")
    suspension = next(bar for bar in row.bars if bar.css == "suspended")
    assert suspension.title == "in force, suspended by Russia from 21 Feb 2023 to 5 Feb 2026"
    assert suspension.width >= 10  # percent of the chart's whole width, labels included
    assert [m.what for m in row.marks if m.symbol in ("extended", "suspended", "ended")] == [
        "Extended", "Suspended", "Suspended", "Expired"]


def test_open_skies_shows_both_withdrawals_each_with_its_party(reference_data):
    row = row_of(chart_of(["open-skies"]), "open-skies")
    assert [(m.symbol, m.title) for m in row.marks if m.symbol in ("notice", "withdrawn")] == [
        ("notice", "Withdrawal notice — United States: 22 May 2020"),
        ("withdrawn", "Withdrawn — United States: 22 November 2020"),
        ("notice", "Withdrawal notice — Russia: 18 June 2021"),
        ("withdrawn", "Withdrawn — Russia: 18 December 2021"),
    ]
    assert [m.who for m in row.marks if m.symbol == "withdrawn"] == ["US", "RU"]
    assert row.summary.endswith("; United States withdrew on 22 November 2020; Russia withdrew on 18 December 2021")


def test_deadlines_to_come_are_drawn_and_later_ones_wait_at_the_right_edge(reference_data):
    chart = chart_of(["paris-agreement", "open-skies"])
    paris = [m.title for m in row_of(chart, "paris-agreement").marks if m.symbol == "deadline"]
    assert "Report due (deadline to come): 31 December 2026" in paris
    later = [m for m in row_of(chart, "open-skies").marks if m.symbol == "later"]
    assert [(m.x, m.title) for m in later] == [(PLOT_RIGHT, "After these years: Review conference, 2030")]
    assert ("deadline", "Deadline to come") in chart.legend


def test_as_of_a_past_day_nothing_after_it_is_drawn(reference_data):
    row = row_of(chart_of(["new-start"], on=dt.date(2020, 6, 1)), "new-start")
    assert not any(bar.css == "suspended" for bar in row.bars)
    assert {m.when.earliest.year for m in row.marks if m.symbol != "deadline"} == {2010, 2011}
    # The 2021 extension was not yet agreed: the ten-year term's end was the deadline to come.
    assert [m.title for m in row.marks if m.symbol == "deadline"] == [
        "Expiry (deadline to come) — Russia, United States: 5 February 2021"]


def test_a_treaty_with_nothing_in_the_years_shown_says_where_its_life_is(reference_data):
    row = row_of(chart_of(["new-start"], window=Window(1950, 1970)), "new-start")
    assert (row.bars, row.marks) == ([], [])
    assert row.note == "Signed, not in force from 8 Apr 2010, after these years →"


# The page


def test_the_page_links_every_treaty_from_a_list_a_screen_reader_can_reach(reference_data, client):
    html = page(client, "/timeline/")
    assert 'role="img"' not in html  # an image role would hide the links inside it
    assert html.count('<g role="listitem"><a class="tl-row" href="/treaties/') == 40
    assert "<title>New START: signed, not in force from 8 Apr 2010 to 5 Feb 2011; in force from 5 Feb 2011" in html
    assert "Deadline to come</li>" in html and 'href="#tl-deadline"' in html


def test_its_pages_hold_every_treaty_counted_from_the_kept_counts_unless_a_category_narrows_them(reference_data,
                                                                                                  client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rows = '<g role="listitem"><a class="tl-row" href="/treaties/'
    total, pages = Treaty.objects.count(), -(-Treaty.objects.count() // 40)
    assert pages > 1
    with CaptureQueriesContext(connection) as queries:
        assert f"Page 1 of {pages}</span>" in page(client, "/timeline/")
    # Counting every treaty costs a scan of them all on each request; the kept status counts say it in one row
    # per status group.
    assert not [q["sql"] for q in queries if "COUNT(" in q["sql"].upper() and 'FROM "treaties_treaty"' in q["sql"]]
    assert page(client, f"/timeline/?page={pages}").count(rows) == total - 40 * (pages - 1)
    arms = Treaty.objects.filter(category="arms_control").count()
    on_the_last = arms - 40 if arms > 40 else arms  # a page past the last shows the last
    assert page(client, "/timeline/?category=arms_control&page=2").count(rows) == on_the_last


def test_the_years_links_and_form_work_without_javascript(reference_data, client):
    html = page(client, "/timeline/?category=arms_control&on=2025-06-01")
    assert "Showing <strong>2000–2026</strong>" in html
    earlier = re.search(r'<a class="tl-move" href="([^"]+)">← Earlier</a>', html).group(1).replace("&amp;", "&")
    assert earlier == "?category=arms_control&from=1987&on=2025-06-01&to=2013"
    moved = page(client, "/timeline/" + earlier)
    assert "Showing <strong>1987–2013</strong>" in moved
    assert 'name="from" value="1987"' in moved and 'name="to" value="2013"' in moved  # the form keeps the years
    assert "Back to 2000–2026" in moved
    assert "/treaties/new-start/" in moved and "/treaties/paris-agreement/" not in moved


def test_the_table_lists_every_bar_and_mark_of_the_chart(reference_data, client):
    html = page(client, "/timeline/")
    chart, table = html.split('<details class="tl-table">')
    drawn = chart.count('<rect class="tl-bar ') + chart.count('<use class="tl-mark"')
    notes = chart.count('<text class="tl-note"')
    assert table.count("<tr><td") == drawn + notes > 100
    assert table.count('<th scope="rowgroup"') == 40
    assert "<td>22 November 2020</td><td>Withdrawn — United States</td>" in table
