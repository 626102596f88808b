"""What the emails say: one delivery as an item, and the message for a subscriber's items."""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.urls import reverse

from treaties.models import Deadline, Statement, Treaty

from . import signed_links
from .emails import email_message, email_parts, unsubscribe_headers
from .models import (
    DeliveryKind,
    ReminderDelivery,
    Subscription,
)
from .reminders import (
    KIND_MEANINGS,
    DigestItem,
    change_headline,
    digest_sections,
    digest_subject,
    headline,
    when_phrase,
)

# --- What the emails say ---------------------------------------------------------------------------


def local_today(subscription: Subscription, now: dt.datetime) -> dt.date:
    return now.astimezone(zoneinfo.ZoneInfo(subscription.time_zone)).date()


class BatchShared:
    """What the emails of one batch share, worked out once: each treaty's latest statements as of a day, and each
    item with its text and HTML, the same for every subscriber told the same thing on the same day."""

    def __init__(self, limit: int = 3):
        self.limit = limit
        self.statements: dict[tuple[int, dt.date], list[Statement]] = {}
        self.items: dict[tuple, DigestItem] = {}

    def latest_statements(self, treaty: Treaty, today: dt.date) -> list[Statement]:
        key = (treaty.pk, today)
        if key not in self.statements:
            self.statements[key] = list(treaty.statements.filter(date__lte=today).order_by("-date", "-id")[:self.limit])
        return self.statements[key]


def _statement_url(statement: Statement) -> str:
    return signed_links.absolute(reverse("treaties:statement", args=[statement.pk]))


def delivery_item(delivery: ReminderDelivery, deadline: Deadline | None, *, now: dt.datetime,
                  shared: BatchShared) -> DigestItem:
    """What one delivery tells the subscriber, with its text and HTML (`emails/includes/item.*`) as `text`, `html`."""
    today = local_today(delivery.subscription, now)
    if delivery.kind == DeliveryKind.CONFIRMATION:
        return DigestItem(delivery.kind, today, {"delivery": delivery, "kind": delivery.kind})
    key = (delivery.kind, delivery.treaty_id, delivery.deadline_id, delivery.statement_id, delivery.armed_for,
           delivery.armed_precision, delivery.armed_until, today)
    if key not in shared.items:
        item = _item(delivery, deadline, today=today, shared=shared)
        item.ref["text"], item.ref["html"] = email_parts(name="item", context={"item": item.ref})
        shared.items[key] = item
    item = shared.items[key]
    return DigestItem(item.kind, item.when, {**item.ref, "delivery": delivery})


def _item(delivery: ReminderDelivery, deadline: Deadline | None, *, today: dt.date,
          shared: BatchShared) -> DigestItem:
    ref = {"kind": delivery.kind}
    if delivery.kind == DeliveryKind.STATEMENT:
        statement = delivery.statement
        ref.update(
            statement=statement, headline=f"New statement: {statement.title}",
            url=_statement_url(statement),
            treaties=[(t, signed_links.absolute(t.get_absolute_url())) for t in statement.treaties.all()],
        )
        return DigestItem(delivery.kind, statement.date, ref)
    treaty = delivery.treaty
    ref.update(treaty=treaty, treaty_url=signed_links.absolute(treaty.get_absolute_url()),
               statements=[(s, _statement_url(s)) for s in shared.latest_statements(treaty, today)])
    if delivery.kind == DeliveryKind.REMINDER:
        ref.update(
            deadline=deadline, when=deadline.when, meaning=KIND_MEANINGS.get(deadline.kind, ""),
            headline=headline(treaty=treaty.short_name, kind=deadline.kind, kind_label=deadline.get_kind_display(),
                              when=deadline.when, today=today),
        )
        return DigestItem(delivery.kind, deadline.date, ref)
    before = delivery.armed_when
    after = deadline.when if deadline else None
    change = change_headline(treaty=treaty.short_name, kind_label=deadline.get_kind_display() if deadline else "",
                             before=before, after=after)
    ref.update(deadline=deadline, before=before, after=after, headline=change,
               after_phrase=when_phrase(after, today) if after else "")
    return DigestItem(delivery.kind, (after or before).earliest, ref)


def message_for(subscription: Subscription, items: list[DigestItem], *, now: dt.datetime, watching: str | None = None):
    """One email: a confirmation request, a single reminder/notice/statement, or a digest of several.

    `watching` is `subscription.watching()`, when the caller has it for many subscriptions at once.
    """
    context = {
        "subscription": subscription,
        "watching": subscription.watching() if watching is None else watching,
        "manage_url": signed_links.manage_url(subscription),
        "unsubscribe_url": signed_links.unsubscribe_url(subscription),
        "today": local_today(subscription, now),
    }
    first = items[0].ref
    if first["kind"] == DeliveryKind.CONFIRMATION:
        others = Subscription.objects.active().filter(email=subscription.email).exclude(pk=subscription.pk)
        context.update(confirm_url=signed_links.confirm_url(subscription), adds_to_existing=others.exists(),
                       max_age_days=settings.ALERTS_CONFIRM_MAX_AGE // 86400)
        return email_message(name="confirm", to=subscription.email, context=context)
    headers = unsubscribe_headers(context["unsubscribe_url"])
    if len(items) == 1 and not subscription.digest:
        return email_message(name=first["kind"].replace("_", "-"), to=subscription.email,
                             context={**context, "item": first}, headers=headers)
    context.update(sections=[(title, [item.ref for item in members]) for title, members in digest_sections(items)],
                   subject=digest_subject(items))
    return email_message(name="digest", to=subscription.email, context=context, headers=headers)

