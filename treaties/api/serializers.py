"""What the API says of each record: dates as objects with their precision, statuses with their dates."""


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


class QualifierSerializer(serializers.Serializer):
    party = serializers.CharField()
    since = serializers.SerializerMethodField(help_text="The day this party's own state began")

    @extend_schema_field(PRECISE_DATE)
    def get_since(self, qualifier):
        return precise(qualifier.since)


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


class PositionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Position
        fields = ["held_by", "position", "source_url", "source_publisher", "source_kind"]


class DisputeSerializer(serializers.ModelSerializer):
    positions = PositionSerializer(many=True, read_only=True)

    class Meta:
        model = Dispute
        fields = ["about", "affects_status", "positions"]


class TreatySerializer(serializers.ModelSerializer):
    parties = PartyRef(many=True, read_only=True)
    aliases = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    next_deadline = serializers.SerializerMethodField()
    provisions = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField()
    disputes = DisputeSerializer(many=True, read_only=True,
                                 help_text="Facts the sources contest, every side with its source")

    class Meta:
        model = Treaty
        fields = ["slug", "short_name", "name", "category", "subject", "kind", "summary", "official_text_url",
                  "parties", "parties_note", "aliases", "provisions", "status", "next_deadline", "disputes",
                  "checked_on", "page_url"]

    def get_aliases(self, treaty) -> list[str]:
        return [alias.name for alias in treaty.aliases.all()]

    @extend_schema_field(StatusSerializer)
    def get_status(self, treaty):
        return StatusSerializer(self.context["statuses"][treaty.pk]).data

    @extend_schema_field(DeadlineSerializer(allow_null=True))
    def get_next_deadline(self, treaty):
        upcoming = getattr(treaty, "upcoming", [])
        return DeadlineSerializer(upcoming[0]).data if upcoming else None

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
