"""Precision and recall of linking news items to treaties, on a labelled set of real items.

    .venv/bin/python bench/linking.py

`bench/data/linking_labelled.json` holds 60 real headlines (with a first sentence where the page showed one),
dated 2019–2026, each labelled with the treaties it is about; a third only say "START", "the nuclear deal",
"the test ban" and the like, and six name no treaty. It is not the shipped statements. The items are read by
the same matcher the feeds use, over the shipped record, in a throwaway test database, twice: by names alone
(a shared name is left for an editor), and with what the record knew on the item's day (a shared name only
one treaty alive then bears names that one). A link counts as right when the label has it.
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

import django  # noqa: E402

django.setup()

import datetime as dt  # noqa: E402

from django.db import connection  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402

from treaties.models import Treaty  # noqa: E402
from treaties.reference_data import load_reference_data  # noqa: E402
from treaties.selectors import treaties_alive_on, treaty_matcher  # noqa: E402

ITEMS = Path(__file__).resolve().parent / "data" / "linking_labelled.json"


def score(linked: list[set], labels: list[set]) -> tuple[float, float, int, int]:
    made = sum(len(links) for links in linked)
    right = sum(len(links & label) for links, label in zip(linked, labels, strict=True))
    wanted = sum(len(label) for label in labels)
    return right / made if made else 1.0, right / wanted if wanted else 1.0, made, wanted


def main() -> None:
    items = json.loads(ITEMS.read_text(encoding="utf-8"))
    old = setup_databases(verbosity=0, interactive=False)
    try:
        load_reference_data()
        slugs = dict(Treaty.objects.values_list("pk", "slug"))
        matcher = treaty_matcher()
        labels = [set(item["treaties"]) for item in items]
        by_names, in_context, waiting = [], [], [0, 0]
        for item in items:
            text = f"{item['title']}\n{item['text']}"
            day = dt.date.fromisoformat(item["date"])
            for results, alive, index in ((by_names, None, 0), (in_context, treaties_alive_on(day), 1)):
                mentions = matcher.mentions(text, alive=alive)
                results.append({slugs[m.treaty] for m in mentions if not m.ambiguous})
                waiting[index] += sum(m.ambiguous for m in mentions)
        print(f"{len(items)} items, {sum(map(len, labels))} true links ({connection.vendor})")
        print("| linking | precision | recall | links made | left for an editor |")
        print("|---|---|---|---|---|")
        for name, results, wait in (("names alone", by_names, waiting[0]),
                                    ("names + what the record knew that day", in_context, waiting[1])):
            precision, recall, made, _ = score(results, labels)
            print(f"| {name} | {precision:.0%} | {recall:.0%} | {made} | {wait} |")
        missed = [item["title"][:70] for item, links, label in zip(items, in_context, labels, strict=True)
                  if label - links]
        print(f"\nMissed with context ({len(missed)}): the item does not name the treaty in any form it is known by:")
        for title in missed[:12]:
            print(f"- {title}")
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
