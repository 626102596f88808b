"""The record's tables as readers download them: each table's columns, described for a Table Schema.

One rule for every date that may be imprecise: the column holds the date as precisely as it is known ("2026",
"2026-02", "2026-02-05", or the interval "2026-07-01/2027-06-30"), and the column after it, named
`<column>_precision`, says which (day, month, year or range). So no file claims a day that is not known, and a
table can be filtered by precision without parsing dates. Editors' notes are never a column. `rows` reads them.
"""

from dataclasses import dataclass

from ..models import Category, DeadlineKind, DeadlineRule, EventKind, SourceKind, TreatyKind, Voice
from ..precision import Precision
from ..status import StatusCode

# Table Schema patterns match the whole value.
PRECISE_DATE_PATTERN = r"\d{4}(-\d{2}(-\d{2}(/\d{4}-\d{2}-\d{2})?)?)?"
SLUG_LIST_PATTERN = r"[a-z0-9-]+( [a-z0-9-]+)*"


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # a Table Schema type: string, integer, boolean, date
    description: str
    enum: tuple[str, ...] = ()
    pattern: str = ""
    required: bool = False
    format: str = ""

    def schema(self) -> dict:
        constraints = {key: value for key, value in (
            ("required", self.required), ("enum", list(self.enum)), ("pattern", self.pattern)) if value}
        described = {"name": self.name, "type": self.type, "description": self.description}
        return described | ({"format": self.format} if self.format else {}) | (
            {"constraints": constraints} if constraints else {})


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[tuple[str, str, str], ...] = ()  # (column, other table, its column)

    @property
    def columns(self) -> list[str]:
        return [field.name for field in self.fields]

    def schema(self) -> dict:
        schema = {"fields": [field.schema() for field in self.fields], "missingValues": [""]}
        if self.primary_key:
            schema["primaryKey"] = list(self.primary_key)
        if self.foreign_keys:
            schema["foreignKeys"] = [{"fields": column, "reference": {"resource": table, "fields": other}}
                                     for column, table, other in self.foreign_keys]
        return schema


def text(name: str, description: str, **constraints) -> Field:
    return Field(name, "string", description, **constraints)


def link(name: str, description: str, **constraints) -> Field:
    return Field(name, "string", description, format="uri", **constraints)


def precise(name: str, description: str, required: bool = False) -> tuple[Field, Field]:
    """A date as precisely as it is known, and its precision in the next column."""
    return (
        text(name, f"{description}: YYYY-MM-DD, YYYY-MM or YYYY as precisely as it is known, or the interval "
             "of days FIRST/LAST it may be", pattern=PRECISE_DATE_PATTERN, required=required),
        text(f"{name}_precision", f"How precisely `{name}` is known", enum=tuple(Precision.values),
             required=required),
    )


def kinds(choices) -> tuple[str, ...]:
    return tuple(value for value in choices.values if value)


TREATY = text("treaty", "The treaty's slug (treaties.slug)", required=True)
SOURCE = (
    link("source_url", "The source that vouches for the date"),
    text("source_publisher", "Who published the source"),
    text("source_kind", "What kind of source it is", enum=kinds(SourceKind)),
)
PARTY_SLUGS = text("parties", "The parties concerned: their slugs (parties.slug), separated by spaces",
                   pattern=SLUG_LIST_PATTERN)
DATE_NOTE = text("date_note", "Where sources disagree about the date, or how it was inferred")

TABLES = {table.name: table for table in [
    Table("parties", "Parties", "States and organisations that are parties to treaties or act in their events.", (
        text("slug", "A stable name for the party", required=True),
        text("name", "The party's name", required=True),
        text("short_name", "How it reads in a sentence"),
        text("iso_code", "ISO 3166-1 alpha-2 code (ISO 3166-3 for former states)"),
        Field("is_organisation", "boolean", "An international organisation rather than a state"),
        text("note", "A note for readers"),
        link("url", "The party's page on the tracker"),
    ), primary_key=("slug",)),
    Table("treaties", "Treaties", "Every treaty, with its status on the day in its status_on column.", (
        text("slug", "A stable name for the treaty", required=True),
        text("short_name", "The name people use", required=True),
        text("name", "The full official name", required=True),
        text("aliases", "Other names, in any script, separated by “; ” (each with its language in aliases)"),
        text("category", "What the treaty is about", enum=kinds(Category), required=True),
        text("kind", "Bilateral or multilateral", enum=kinds(TreatyKind), required=True),
        text("subject", "A finer description of the subject"),
        text("status", "The treaty's own state on `status_on`", enum=kinds(StatusCode), required=True),
        text("status_label", "The status in words, with who suspended or withdrew"),
        Field("status_contested", "boolean", "Sources contest the treaty's standing (see positions)"),
        Field("status_on", "date", "The day the status is for", required=True),
        *precise("status_since", "When the treaty reached its status"),
        text("status_qualifiers", "Each party's own state with its own date, separated by “; ”"),
        *precise("entry_into_force", "When it entered into force"),
        *precise("next_deadline", "The next deadline not yet past on `status_on`"),
        text("next_deadline_kind", "What falls due then", enum=kinds(DeadlineKind)),
        PARTY_SLUGS,
        text("party_names", "The parties' names, separated by “; ”"),
        text("parties_note", "Who else is bound, in words"),
        text("summary", "What the treaty does, in plain words"),
        link("official_text_url", "The official text"),
        Field("term_years", "integer", "Years from entry into force until the term ends"),
        Field("lapses_at_term_end", "boolean", "The term's end ends the treaty (rather than calling for a decision)"),
        Field("extension_times", "integer", "How many extensions the treaty allows"),
        Field("extension_max_years", "integer", "The longest extension allowed, in years"),
        Field("withdrawal_notice_months", "integer", "Months from a withdrawal notice to its effect"),
        Field("withdrawal_notice_days", "integer", "Days from a withdrawal notice to its effect"),
        Field("consent_effect_days", "integer", "Days from a later ratification to its effect for that party"),
        Field("review_every_years", "integer", "Years between review conferences"),
        text("duration_text", "The duration provision, in words"),
        text("extension_text", "The extension provision, in words"),
        text("withdrawal_text", "The withdrawal provision, in words"),
        text("provision_sources", "Sources of the provisions: URLs separated by spaces"),
        Field("checked_on", "date", "When every date of the treaty was last checked against its sources"),
        text("checked_against", "What it was checked against"),
        link("url", "The treaty's page on the tracker"),
    ), primary_key=("slug",)),
    Table("aliases", "Treaty aliases", "Other names of treaties, in any script.", (
        TREATY, text("name", "The alias", required=True), text("language", "BCP 47 language code"),
    ), primary_key=("treaty", "name"), foreign_keys=(("treaty", "treaties", "slug"),)),
    Table("events", "Events", "What happened in each treaty's life, each with its source.", (
        TREATY,
        text("key", "A stable name for the event within its treaty", required=True),
        text("kind", "What happened", enum=kinds(EventKind), required=True),
        *precise("date", "When it happened", required=True),
        PARTY_SLUGS,
        text("description", "What happened, in words"),
        *SOURCE,
        Field("extension_years", "integer", "For an extension: the years it adds (blank: indefinite)"),
        DATE_NOTE,
    ), primary_key=("treaty", "key"), foreign_keys=(("treaty", "treaties", "slug"),)),
    Table("deadlines", "Deadlines", "What falls or fell due, entered by editors or derived by a rule from events.", (
        TREATY,
        text("key", "A stable name for the deadline within its treaty", required=True),
        text("kind", "What falls due", enum=kinds(DeadlineKind), required=True),
        *precise("date", "When it falls due", required=True),
        PARTY_SLUGS,
        text("description", "What falls due, in words"),
        *SOURCE,
        text("rule", "The rule that derived it from an event (blank: entered by an editor)",
             enum=kinds(DeadlineRule)),
        text("derived_from", "The key of the event it was derived from (events.key, same treaty)"),
        Field("superseded_on", "date", "The day an extension moved it: it was due until then, and never fell due"),
        DATE_NOTE,
    ), primary_key=("treaty", "key"), foreign_keys=(("treaty", "treaties", "slug"),)),
    Table("statements", "Statements", "What officials and experts said about treaties, with the link to it.", (
        link("url", "Where the statement was published", required=True),
        text("title", "Its title (the publisher's words)", required=True),
        text("outlet", "Who published it", required=True),
        *precise("published", "When it was published", required=True),
        DATE_NOTE,
        text("speaker", "Who spoke"),
        text("speaker_role", "The speaker's role"),
        text("quote", "A short quotation or summary of what was said"),
        text("language", "BCP 47 language code"),
        text("voice", "Who is speaking", enum=kinds(Voice)),
        text("treaties", "The treaties it is about: their slugs (treaties.slug), separated by spaces",
             pattern=SLUG_LIST_PATTERN),
        link("page", "The statement's page on the tracker"),
    ), primary_key=("url",)),
    Table("positions", "Contested facts", "Facts the sources contest, one row for each side, with its source.", (
        TREATY,
        text("about", "What is contested", required=True),
        Field("affects_status", "boolean", "The dispute is about the treaty's own standing"),
        text("held_by", "Who holds this position", required=True),
        text("position", "The position", required=True),
        link("source_url", "The source of the position", required=True),
        text("source_publisher", "Who published the source"),
        text("source_kind", "What kind of source it is", enum=kinds(SourceKind)),
    ), foreign_keys=(("treaty", "treaties", "slug"),)),
]}
