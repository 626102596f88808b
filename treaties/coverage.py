"""What the record holds, for readers deciding whether to rely on it (the /coverage/ page)."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count

from .models import Category, Deadline, Dispute, SourceKind, Statement, Treaty, TreatyEvent, Voice
from .selectors import known_on, not_past


@dataclass
class Coverage:
    treaties: int
    by_category: list[tuple[str, int]]
    events: int
    deadlines_to_come: int
    sources_by_kind: list[tuple[str, int]]
    statements_by_voice: list[tuple[str, int]]
    disputes: int
    checked: list[Treaty]


def record_coverage(on: dt.date) -> Coverage:
    """What the record holds, for readers deciding whether to rely on it: in a fixed number of queries."""
    categories = dict(Category.choices)
    by_category = Treaty.objects.values_list("category").annotate(n=Count("pk")).order_by("-n", "category")
    kinds = Counter(dict(TreatyEvent.objects.values_list("source_kind").annotate(n=Count("pk")).order_by()))
    kinds.update(dict(Deadline.objects.filter(rule="").values_list("source_kind").annotate(n=Count("pk")).order_by()))
    voices = dict(Voice.choices)
    by_voice = Statement.objects.values_list("voice").annotate(n=Count("pk")).order_by("-n", "voice")
    return Coverage(
        treaties=sum(n for _, n in by_category),
        by_category=[(categories.get(c, c), n) for c, n in by_category],
        events=TreatyEvent.objects.count(),
        deadlines_to_come=Deadline.objects.filter(not_past(on), known_on(on)).count(),
        sources_by_kind=[(dict(SourceKind.choices).get(k, "Not given"), n) for k, n in kinds.most_common()],
        statements_by_voice=[(voices.get(v, "Not given"), n) for v, n in by_voice],
        disputes=Dispute.objects.count(),
        checked=list(Treaty.objects.only("slug", "short_name", "checked_on", "checked_against")
                     .order_by("short_name")),
    )
