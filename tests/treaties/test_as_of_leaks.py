"""As of any day, nothing dated after it shows: a walk through every treaty page, the statements, the API and
the CSV as of days around the record's history."""

import csv
import io
import re

import pytest

from treaties.models import Treaty
from treaties.precision import PreciseDate

DAYS = ["2000-01-01", "2020-01-01", "2024-01-01"]
EVENT = re.compile(r'<li class="event[^"]*">\s*<div><time class="when" datetime="([^"]+)"')
STATEMENT_TIME = re.compile(r'<time datetime="([^"]+)">')


def first_day(value: str):
    return PreciseDate.parse(value).earliest


@pytest.mark.parametrize("on", DAYS)
def test_no_treaty_page_shows_an_event_or_statement_from_after_the_day(reference_data, client, on):
    day, seen = first_day(on), 0
    for slug in Treaty.objects.values_list("slug", flat=True):
        html = client.get(f"/treaties/{slug}/?on={on}").content.decode()
        timeline, _, rest = html.partition('<h2 id="statements-h">')
        dates = EVENT.findall(timeline) + STATEMENT_TIME.findall(rest)
        seen += len(dates)
        assert [d for d in dates if first_day(d) > day] == [], slug
    assert seen > 50  # the walk read the pages' dates, not nothing


@pytest.mark.parametrize("on", DAYS)
def test_no_list_feed_or_file_shows_a_statement_or_event_from_after_the_day(reference_data, client, on):
    day = first_day(on)
    html = client.get(f"/statements/?on={on}").content.decode()
    shown = STATEMENT_TIME.findall(html)
    assert [d for d in shown if first_day(d) > day] == []
    assert shown or on == "2000-01-01"
    api = client.get(f"/api/v1/events/?on={on}&page_size=200", HTTP_ACCEPT="application/json").json()
    assert [e["when"]["date"] for e in api["results"] if first_day(e["when"]["date"]) > day] == []
    api = client.get(f"/api/v1/statements/?on={on}&page_size=200", HTTP_ACCEPT="application/json").json()
    assert [s["published"]["date"] for s in api["results"] if first_day(s["published"]["date"]) > day] == []
    response = client.get(f"/statements.csv?on={on}")
    table = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    assert [row["published"] for row in table if first_day(row["published"]) > day] == []
