"""Plain helpers that build realistic records inline (no factory library needed for so few models)."""

import datetime as dt

from treaties.derived import deadlines_refresh
from treaties.models import Party, Statement, Treaty, TreatyAlias, TreatyEvent


def make_treaties(count: int, *, start: dt.date = dt.date(1990, 1, 1)) -> list[Treaty]:
    """`count` bilateral treaties, each signed, in force, suspended, with a notice and a statement."""
    us, _ = Party.objects.get_or_create(slug="us-test", defaults={"name": "Testland", "iso_code": "TT"})
    them, _ = Party.objects.get_or_create(slug="them-test", defaults={"name": "Otherland", "iso_code": "OT"})
    treaties = Treaty.objects.bulk_create(
        Treaty(name=f"Generated Treaty {i}", short_name=f"GT-{i:04d}", slug=f"gt-{i:04d}",
               category="arms_control" if i % 2 else "trade", kind="bilateral", term_years=40,
               withdrawal_notice_months=6)
        for i in range(count)
    )
    events = []
    for i, treaty in enumerate(treaties):
        day = start + dt.timedelta(days=i)
        events += [
            TreatyEvent(treaty=treaty, kind="signed", date=day, description="Signed.", source_url="https://example.org/s",
                        key="signed"),
            TreatyEvent(treaty=treaty, kind="entered_into_force", date=day + dt.timedelta(days=200),
                        description="In force.", source_url="https://example.org/e", key="eif"),
            TreatyEvent(treaty=treaty, kind="suspended", date=day + dt.timedelta(days=5000),
                        description="Suspended.", source_url="https://example.org/x", key="suspended"),
            TreatyEvent(treaty=treaty, kind="withdrawal_notice", date=day + dt.timedelta(days=9000),
                        description="Notice.", source_url="https://example.org/n", key="notice"),
        ]
    TreatyEvent.objects.bulk_create(events)
    through = TreatyEvent.parties.through
    through.objects.bulk_create(
        through(treatyevent_id=e.pk, party_id=them.pk) for e in events if e.kind in ("suspended", "withdrawal_notice")
    )
    Treaty.parties.through.objects.bulk_create(
        Treaty.parties.through(treaty_id=t.pk, party_id=p.pk) for t in treaties for p in (us, them)
    )
    TreatyAlias.objects.bulk_create(TreatyAlias(treaty=t, name=f"Alias {t.slug}") for t in treaties)
    statements = Statement.objects.bulk_create(
        Statement(title=f"Statement on {t.short_name}", outlet="Wire", url=f"https://example.org/st/{t.slug}",
                  date=start + dt.timedelta(days=9000 + i), speaker="A. Speaker", quote="Words.")
        for i, t in enumerate(treaties)
    )
    Statement.treaties.through.objects.bulk_create(
        Statement.treaties.through(statement_id=s.pk, treaty_id=t.pk) for s, t in zip(statements, treaties, strict=True)
    )
    for treaty in treaties:
        deadlines_refresh(treaty=treaty)
    return treaties
