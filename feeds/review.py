"""Editors' decisions on what feeds suggest: which treaty a statement is about, which dates are deadlines.

Each decision is a conditional update of the row, so a double click or two editors at once decide once.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from treaties.derived import record_changed
from treaties.models import Deadline
from treaties.signals import statements_linked_on_commit

from .models import DeadlineSuggestion, MentionDecision, SuggestionDecision, TreatyMention

MAX_SOURCE_URL = Deadline._meta.get_field("source_url").max_length


@transaction.atomic
def mention_accept(*, mention_id: int, user: AbstractBaseUser) -> bool:
    """Link the statement to the treaty it mentions; False if it was linked already."""
    decided = TreatyMention.objects.filter(pk=mention_id).exclude(
        decision__in=[MentionDecision.LINKED, MentionDecision.ACCEPTED]
    ).update(decision=MentionDecision.ACCEPTED, decided_by=user, decided_at=timezone.now())
    if not decided:
        return False
    mention = TreatyMention.objects.select_related("statement").get(pk=mention_id)
    if not mention.statement.treaties.filter(pk=mention.treaty_id).exists():
        mention.statement.treaties.add(mention.treaty_id)
        statements_linked_on_commit([mention.statement_id])
    return True


@transaction.atomic
def mention_reject(*, mention_id: int, user: AbstractBaseUser) -> bool:
    """The statement is not about this treaty: unlink it, now and for good; False if rejected already."""
    decided = TreatyMention.objects.filter(pk=mention_id).exclude(decision=MentionDecision.REJECTED).update(
        decision=MentionDecision.REJECTED, decided_by=user, decided_at=timezone.now()
    )
    if decided:
        mention = TreatyMention.objects.select_related("statement").get(pk=mention_id)
        mention.statement.treaties.remove(mention.treaty_id)
    return bool(decided)


@transaction.atomic
def deadline_suggestion_accept(*, suggestion_id: int, user: AbstractBaseUser) -> Deadline | None:
    """Make the suggested date a deadline of the treaty, sourced to the statement; None if decided already."""
    if not DeadlineSuggestion.objects.filter(pk=suggestion_id, decision=SuggestionDecision.PENDING).update(
        decision=SuggestionDecision.ACCEPTED, decided_by=user, decided_at=timezone.now()
    ):
        return None
    suggestion = DeadlineSuggestion.objects.select_related("statement").get(pk=suggestion_id)
    statement = suggestion.statement
    said = f"{statement.speaker}, {statement.outlet}" if statement.speaker else statement.outlet
    description = f"“{suggestion.phrase}” ({said}, {statement.when})"
    source_url = statement.url
    if len(source_url) > MAX_SOURCE_URL:  # too long to store as a link: keep it in the words
        description, source_url = f"{description} {statement.url}", ""
    deadline = Deadline.objects.create(
        treaty_id=suggestion.treaty_id, kind=suggestion.kind, date=suggestion.date, precision=suggestion.precision,
        description=description, source_url=source_url,
    )
    suggestion.deadline = deadline
    suggestion.save(update_fields=["deadline"])
    record_changed(treaty_ids=[suggestion.treaty_id])
    return deadline


def deadline_suggestion_dismiss(*, suggestion_id: int, user: AbstractBaseUser) -> bool:
    return bool(DeadlineSuggestion.objects.filter(pk=suggestion_id, decision=SuggestionDecision.PENDING).update(
        decision=SuggestionDecision.DISMISSED, decided_by=user, decided_at=timezone.now()
    ))
