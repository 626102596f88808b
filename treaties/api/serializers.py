"""What the API says of each record: dates as objects with their precision, statuses with their dates.

The fields declared here are the schema. The serializers the treaty list nests write the same keys directly
(`to_representation`): DRF's field-by-field path, and a nested serializer built for every row, cost more than
the rest of a page together. tests/treaties/test_api.py checks each against DRF's own path on the whole record.
"""


from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from ..models import Deadline, Dispute, Party, Position, Statement, Treaty, TreatyEvent


class PreciseDateSerializer(serializers.Serializer):
    date = serializers.CharField(help_text="YYYY-MM-DD, YYYY-MM or YYYY, as precise as is known")
    precision = serializers.ChoiceField(choices=["day", "month", "year"])
    display = serializers.CharField(help_text='"5 February 2026", "February 2026" or "2026"')

    class Meta:
        ref_name = "PreciseDate"


PRECISE_DATE = PreciseDateSerializer
PRECISE_DATE_OR_NULL = PreciseDateSerializer(allow_null=True)


def precise(when) -> dict | None:
    if when is None:
        return None
    return {"date": when.isoformat(), "precision": str(when.precision), "display": str(when)}


class PartyRef(serializers.ModelSerializer):
    class Meta:
        model = Party
        fields = ["slug", "name", "iso_code"]

    def to_representation(self, party):
        return _party_ref(party)


def _party_ref(party) -> dict:
    return {"slug": party.slug, "name": party.name, "iso_code": party.iso_code}


class PartySerializer(serializers.ModelSerializer):
    class Meta:
        model = Party
        fields = ["slug", "name", "short_name", "iso_code", "is_organisation"]


class EventSerializer(serializers.ModelSerializer):
    treaty = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    when = serializers.SerializerMethodField()
    parties = PartyRef(many=True, read_only=True)

    class Meta:
        model = TreatyEvent
        fields = ["id", "treaty", "kind", "when", "parties", "description", "source_url", "extension_years",
                  "date_note"]

    @extend_schema_field(PRECISE_DATE)
    def get_when(self, event):
        return precise(event.when)

    def to_representation(self, event):
        return {"id": event.pk, "treaty": event.treaty.slug, "kind": event.kind, "when": precise(event.when),
                "parties": [_party_ref(p) for p in event.party_list], "description": event.description,
                "source_url": event.source_url, "extension_years": event.extension_years, "date_note": event.date_note}


class DeadlineSerializer(serializers.ModelSerializer):
    treaty = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    when = serializers.SerializerMethodField()
    parties = PartyRef(many=True, read_only=True)
    derived = serializers.BooleanField(source="is_derived", read_only=True)

    class Meta:
        model = Deadline
        fields = ["id", "treaty", "kind", "when", "parties", "description", "source_url", "derived", "rule",
                  "date_note"]

    @extend_schema_field(PRECISE_DATE)
    def get_when(self, deadline):
        return precise(deadline.when)

    def to_representation(self, deadline):
        return _deadline(deadline)


def _deadline(deadline) -> dict:
    return {"id": deadline.pk, "treaty": deadline.treaty.slug, "kind": deadline.kind, "when": precise(deadline.when),
            "parties": [_party_ref(p) for p in deadline.party_list], "description": deadline.description,
            "source_url": deadline.source_url, "derived": deadline.is_derived, "rule": deadline.rule,
            "date_note": deadline.date_note}


class QualifierSerializer(serializers.Serializer):
    party = serializers.CharField()
    since = serializers.SerializerMethodField(help_text="The day this party's own state began")

    @extend_schema_field(PRECISE_DATE)
    def get_since(self, qualifier):
        return precise(qualifier.since)

    def to_representation(self, qualifier):
        return _qualifier(qualifier)


def _qualifier(qualifier) -> dict:
    return {"party": qualifier.party, "since": precise(qualifier.since)}


class StatusSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    headline = serializers.CharField(help_text='The treaty\'s own state with its own date: "in force since …"')
    since = serializers.SerializerMethodField(help_text="When the treaty itself reached this state")
    qualifiers = serializers.ListField(child=serializers.CharField(),
                                       help_text='Each in words with its own date: "suspended by Russia since …"')
    suspended_by = serializers.ListField(child=serializers.CharField())
    suspensions = QualifierSerializer(many=True, help_text="Parties that suspended, each since its own day")
    withdrawn = serializers.ListField(child=serializers.CharField(), help_text="Parties that left; it goes on")
    withdrawals = QualifierSerializer(many=True, help_text="Parties that left, each since its own day")

    @extend_schema_field(PRECISE_DATE_OR_NULL)
    def get_since(self, status):
        return precise(status.since)

    def to_representation(self, status):
        return _status(status)


def _status(status) -> dict:
    return {"code": str(status.code), "label": status.label, "headline": status.headline,
            "since": precise(status.since), "qualifiers": status.qualifiers, "suspended_by": list(status.suspended_by),
            "suspensions": [_qualifier(q) for q in status.suspensions], "withdrawn": list(status.withdrawn),
            "withdrawals": [_qualifier(q) for q in status.withdrawals]}


class PositionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Position
        fields = ["held_by", "position", "source_url", "source_publisher", "source_kind"]

    def to_representation(self, position):
        return _position(position)


def _position(position) -> dict:
    return {"held_by": position.held_by, "position": position.position, "source_url": position.source_url,
            "source_publisher": position.source_publisher, "source_kind": position.source_kind}


class DisputeSerializer(serializers.ModelSerializer):
    positions = PositionSerializer(many=True, read_only=True, source="listed_positions")

    class Meta:
        model = Dispute
        fields = ["about", "affects_status", "positions"]

    def to_representation(self, dispute):
        return _dispute(dispute)


def _dispute(dispute) -> dict:
    return {"about": dispute.about, "affects_status": dispute.affects_status,
            "positions": [_position(p) for p in dispute.listed_positions]}


# Reads a treaty as the API's views load it (`views._treaties_prefetched`): its relations as lists.
class TreatySerializer(serializers.ModelSerializer):
    parties = PartyRef(many=True, read_only=True, source="listed_parties")
    aliases = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    next_deadline = serializers.SerializerMethodField()
    provisions = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField()
    disputes = DisputeSerializer(many=True, read_only=True, source="listed_disputes",
                                 help_text="Facts the sources contest, every side with its source")

    class Meta:
        model = Treaty
        fields = ["slug", "short_name", "name", "category", "subject", "kind", "summary", "official_text_url",
                  "parties", "parties_note", "aliases", "provisions", "status", "next_deadline", "disputes",
                  "checked_on", "page_url"]

    def to_representation(self, treaty):
        return {
            "slug": treaty.slug, "short_name": treaty.short_name, "name": treaty.name, "category": treaty.category,
            "subject": treaty.subject, "kind": treaty.kind, "summary": treaty.summary,
            "official_text_url": treaty.official_text_url, "parties": [_party_ref(p) for p in treaty.listed_parties],
            "parties_note": treaty.parties_note, "aliases": self.get_aliases(treaty),
            "provisions": self.get_provisions(treaty), "status": self.get_status(treaty),
            "next_deadline": self.get_next_deadline(treaty), "disputes": [_dispute(d) for d in treaty.listed_disputes],
            "checked_on": treaty.checked_on.isoformat() if treaty.checked_on else None,
            "page_url": self.get_page_url(treaty),
        }

    def get_aliases(self, treaty) -> list[str]:
        return [alias.name for alias in treaty.listed_aliases]

    @extend_schema_field(StatusSerializer)
    def get_status(self, treaty):
        return _status(self.context["statuses"][treaty.pk])

    @extend_schema_field(DeadlineSerializer(allow_null=True))
    def get_next_deadline(self, treaty):
        upcoming = getattr(treaty, "upcoming", [])
        return _deadline(upcoming[0]) if upcoming else None

    @extend_schema_field(inline_serializer("Provisions", {
        "term_years": serializers.IntegerField(allow_null=True),
        "lapses_at_term_end": serializers.BooleanField(),
        "extension_times": serializers.IntegerField(allow_null=True),
        "extension_max_years": serializers.IntegerField(allow_null=True),
        "withdrawal_notice_months": serializers.IntegerField(allow_null=True),
        "withdrawal_notice_days": serializers.IntegerField(allow_null=True),
        "duration": serializers.CharField(),
        "extension": serializers.CharField(),
        "withdrawal": serializers.CharField(),
        "sources": serializers.ListField(child=serializers.CharField()),
    }))
    def get_provisions(self, treaty):
        return {
            "term_years": treaty.term_years,
            "lapses_at_term_end": treaty.lapses_at_term_end,
            "extension_times": treaty.extension_times,
            "extension_max_years": treaty.extension_max_years,
            "withdrawal_notice_months": treaty.withdrawal_notice_months,
            "withdrawal_notice_days": treaty.withdrawal_notice_days,
            "duration": treaty.duration_text,
            "extension": treaty.extension_text,
            "withdrawal": treaty.withdrawal_text,
            "sources": list(treaty.provision_sources or []),
        }

    def get_page_url(self, treaty) -> str:
        return self.context["request"].build_absolute_uri(treaty.get_absolute_url())


class StatementSerializer(serializers.ModelSerializer):
    published = serializers.SerializerMethodField()
    treaties = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta:
        model = Statement
        fields = ["id", "title", "outlet", "url", "published", "speaker", "speaker_role", "quote", "language",
                  "treaties", "date_note"]

    @extend_schema_field(PRECISE_DATE)
    def get_published(self, statement):
        return precise(statement.when)
