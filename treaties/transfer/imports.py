"""Bulk import of parties, treaties, aliases, events, deadlines and statements.

Every record is checked before anything is written, and a file with any bad
record writes nothing: `data_import` reports each problem with its file, row
and column. A good import runs in one transaction, in batches, and matches
records on their natural keys (slugs, a treaty's slug and an event's key, a
statement's URL), so importing the same file twice changes nothing the second
time. History records name the importing user and the files.
"""

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import DatabaseError, models, transaction
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from .. import versions
from ..bulk_writes import links_insert
from ..derived import record_changed
from ..models import Deadline, DeadlineRule, Party, Statement, Treaty, TreatyAlias, TreatyEvent
from ..precision import PreciseDate, Precision
from ..safe_html import clean_html
from .formats import KINDS, LIST_COLUMNS, Limits, Problem, Record, natural_keys, read_files

BATCH = 2000
MODELS = {
    "parties": Party, "treaties": Treaty, "aliases": TreatyAlias, "events": TreatyEvent, "deadlines": Deadline,
    "statements": Statement,
}
# Columns that are not plain fields of the model: references by natural key, and the date with its precision.
_REFERENCES = {"treaty", "parties", "treaties", "date", "precision"}
_KEY_COLUMN = {"parties": "slug", "treaties": "slug", "aliases": "name", "events": "key", "deadlines": "key",
               "statements": "url"}
# The many-to-many column of each kind that has one.
_LINKS = {"treaties": "parties", "events": "parties", "deadlines": "parties", "statements": "treaties"}
_TRUE, _FALSE = {"true", "yes", "1", "y"}, {"false", "no", "0", "n"}

Progress = Callable[[str, str, int, int], None]  # (stage, kind, done, total)


@dataclass
class ImportReport:
    files: list[str]
    dry_run: bool
    counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    problems: list[Problem] = field(default_factory=list)
    deadlines_refreshed: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> list[str]:
        """'statements: 3 created, 1 updated, 12 unchanged', one line per kind in the files."""
        return [
            f"{kind}: " + ", ".join(f"{self.counts[kind][outcome]} {outcome}"
                                    for outcome in ("created", "updated", "unchanged"))
            for kind in KINDS if kind in self.counts
        ]


@dataclass
class _Pending:
    record: Record
    obj: models.Model
    created: bool
    changed: list[str]  # fields whose value the record changes
    links: set | None = None  # the slugs a many-to-many column should hold, when it differs from now


def data_import(
    *, files: Iterable[tuple[str, bytes]], dry_run: bool = False, user=None, progress: Progress | None = None
) -> ImportReport:
    """Check every record, then, unless it is a dry run or something is wrong, write them all at once."""
    files = list(files)
    report = ImportReport(files=[name for name, _ in files], dry_run=dry_run)
    reading = read_files(files, import_limits())
    report.problems += reading.problems
    plan = _Plan(report, progress or _quiet)
    by_kind = defaultdict(list)
    for record in reading.records:
        by_kind[record.kind].append(record)
    for kind in KINDS:
        if by_kind[kind]:
            plan.check(kind, by_kind[kind])
    if report.problems or dry_run:
        return report
    reason = ("import: " + ", ".join(report.files))[:100]
    try:
        with transaction.atomic():
            plan.write(user=user, reason=reason)
    except (DatabaseError, ValidationError) as error:
        # The checks above should leave nothing for the database to refuse; if it
        # does, the transaction is rolled back and the import still writes nothing.
        refused = Problem(", ".join(report.files), None, None, f"The database refused the import: {error}")
        report.problems.append(refused)
    return report


def import_limits() -> Limits:
    return Limits(file_bytes=settings.IMPORT_MAX_FILE_BYTES, unpacked_bytes=settings.IMPORT_MAX_UNPACKED_BYTES,
                  zip_members=settings.IMPORT_MAX_ZIP_MEMBERS)


def _quiet(stage, kind, done, total):
    pass


class _Plan:
    """What the records would change, found by reading the database, then written in batches."""

    def __init__(self, report: ImportReport, progress: Progress):
        self.report, self.progress = report, progress
        self.pending: dict[str, list[_Pending]] = defaultdict(list)
        self.parties = {party.slug: party for party in Party.objects.all()}
        self.treaties = {treaty.slug: treaty for treaty in Treaty.objects.prefetch_related("parties")}
        self._statement_links: dict[int, set] = {}

    def problem(self, record: Record, column: str | None, message: str) -> None:
        self.report.problems.append(record.problem(column, message))

    # Checking ------------------------------------------------------------------------------------------------

    def check(self, kind: str, records: list[Record]) -> None:
        existing = getattr(self, f"_existing_{kind}")(records)
        seen: dict[tuple, Record] = {}
        for done, (record, key) in enumerate(zip(records, self._keys(kind, records), strict=True), start=1):
            if done % 10_000 == 0 or done == len(records):
                self.progress("checking", kind, done, len(records))
            if key is None:
                continue
            if key in seen:
                self.problem(record, _KEY_COLUMN[kind], f"Repeats row {seen[key].row} ({' '.join(key)}).")
                continue
            seen[key] = record
            self._check_record(kind, record, key, existing.get(key))
        if kind == "parties":
            self._check_party_names()

    def _keys(self, kind: str, records: list[Record]) -> list[tuple | None]:
        """Each record's natural key, or None (with a problem) when it has none."""
        if kind in ("events", "deadlines"):
            return self._dated_keys(records)
        columns = {"parties": ["slug"], "treaties": ["slug"], "aliases": ["treaty", "name"], "statements": ["url"]}
        keys = []
        for record in records:
            key = tuple(_text(record.values.get(column)).strip() for column in columns[kind])
            blank = next((c for c, v in zip(columns[kind], key, strict=True) if not v), None)
            if blank:
                self.problem(record, blank, "Required: this is how the record is matched.")
            keys.append(None if blank else key)
        return keys

    def _dated_keys(self, records: list[Record]) -> list[tuple | None]:
        # Records without a key get one from their kind and date, as the shipped data's keys are made.
        by_treaty = defaultdict(list)
        for index, record in enumerate(records):
            treaty = _text(record.values.get("treaty")).strip()
            if not treaty:
                self.problem(record, "treaty", "Required: name the treaty by its slug.")
                continue
            by_treaty[treaty].append(index)
        keys: list[tuple | None] = [None] * len(records)
        for treaty, indexes in by_treaty.items():
            items = [(_text(records[i].values.get("key")).strip(), _text(records[i].values.get("kind")).strip(),
                      _text(records[i].values.get("date")).strip()) for i in indexes]
            for index, key in zip(indexes, natural_keys(items), strict=True):
                keys[index] = (treaty, key)
        return keys

    def _check_record(self, kind: str, record: Record, key: tuple, obj: models.Model | None) -> None:
        model = MODELS[kind]
        values, links = self._values(kind, record)
        if values is None:
            return
        if kind in ("events", "deadlines"):
            values["key"] = key[1]  # stored, so the next import matches it whatever the file says
        created = obj is None
        if created:
            obj = model(**values)
            changed = list(values)
        else:
            changed = [name for name, value in values.items() if getattr(obj, name) != value]
            for name in changed:
                setattr(obj, name, values[name])
        new_links = None
        if kind in _LINKS and links is not None and (created or links != self._current_links(kind, obj)):
            new_links = links
        try:
            obj.clean()
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    self.problem(record, None if name == "__all__" else name, message)
            return
        if kind == "statements" and not created and (changed or new_links is not None):
            return self._statement_clash(record, obj, changed + (["treaties"] if new_links is not None else []))
        outcome = "created" if created else "updated" if changed or new_links is not None else "unchanged"
        self.report.counts[kind][outcome] += 1
        if outcome != "unchanged":
            self.pending[kind].append(_Pending(record, obj, created, changed, new_links))
        if kind == "parties":
            self.parties[obj.slug] = obj
        elif kind == "treaties":
            self.treaties[obj.slug] = obj

    def _statement_clash(self, record: Record, obj: Statement, differing: list[str]) -> None:
        # A statement's URL is its identity; the same URL with other content is two
        # different accounts of one page, for an editor to settle.
        link = reverse("admin:treaties_statement_change", args=[obj.pk])
        self.problem(
            record, "url",
            f"A statement with this URL already exists with a different {', '.join(differing)}; "
            f"correct it in the admin ({link}) or in the file.",
        )

    def _values(self, kind: str, record: Record) -> tuple[dict | None, set | None]:
        """The record's field values (and many-to-many slugs), or None after noting its problems."""
        model, values, links, ok = MODELS[kind], {}, None, True
        for column, raw in record.values.items():
            if column in _REFERENCES:
                continue
            try:
                values[column] = _field_value(model._meta.get_field(column), raw, column)
            except ValidationError as error:
                ok = False
                for message in error.messages:
                    self.problem(record, column, message)
        if "treaty" in record.values:
            slug = _text(record.values["treaty"]).strip()
            values["treaty"] = self.treaties.get(slug)
            if values["treaty"] is None:
                ok = False
                self.problem(record, "treaty", f"No treaty has the slug “{slug}”; add it first or check the spelling.")
        if "date" in record.values:
            when = self._when(record)
            ok = ok and when is not None
            if when:
                values["date"], values["precision"], values["date_until"] = when.value, when.precision, when.until
        for column, known in (("parties", self.parties), ("treaties", self.treaties)):
            if column in record.values:
                links = self._slugs(record, column, known)
                ok = ok and links is not None
        if kind == "statements" and "full_text" in values:
            values["full_text"] = clean_html(values["full_text"])
        return (values if ok else None), links

    def _when(self, record: Record) -> PreciseDate | None:
        text = _text(record.values.get("date")).strip()
        precision = _text(record.values.get("precision")).strip().lower()
        try:
            when = PreciseDate.parse(text)
        except ValueError as error:
            self.problem(record, "date", f"{error} The month and day must exist.")
            return None
        if precision and precision not in Precision.values:
            self.problem(record, "precision", f"“{precision}” is not a precision: use day, month, year or range.")
            return None
        if precision and precision != when.precision and Precision.RANGE in (precision, when.precision):
            self.problem(record, "precision", f"A range is written as its first and last day, 2026-07-01/2027-06-30, "
                         f"with the precision range; {text} with {precision} is not one.")
            return None
        if precision and precision != when.precision:
            self.problem(
                record, "precision",
                f"The date {text} is {when.precision}-precise but the precision says {precision}: "
                f"write the date as {PreciseDate.truncate(when.value, precision).isoformat()} "
                f"or the precision as {when.precision}.",
            )
            return None
        return when

    def _slugs(self, record: Record, column: str, known: dict) -> set | None:
        raw = record.values[column]
        slugs = raw.split() if isinstance(raw, str) else raw if isinstance(raw, list) else None
        if slugs is None or not all(isinstance(slug, str) for slug in slugs):
            self.problem(record, column, "Give a list of slugs (in CSV, separated by spaces).")
            return None
        unknown = [slug for slug in slugs if slug not in known]
        if unknown:
            self.problem(record, column, f"Unknown {column}: {', '.join(unknown)}.")
            return None
        return set(slugs)

    def _current_links(self, kind: str, obj: models.Model) -> set:
        if obj.pk is None:
            return set()
        if kind == "statements":
            return self._statement_links.get(obj.pk, set())
        return {linked.slug for linked in getattr(obj, _LINKS[kind]).all()}

    def _check_party_names(self) -> None:
        # Party names and ISO codes are unique too: say which row clashes instead
        # of letting the database refuse the whole import.
        pending = {id(p.obj): p for p in self.pending["parties"]}
        for column in ("name", "iso_code"):
            holders = defaultdict(list)
            for party in self.parties.values():
                if value := getattr(party, column):
                    holders[value].append(party)
            for value, parties in holders.items():
                for party in parties if len(parties) > 1 else []:
                    if id(party) in pending:
                        others = ", ".join(f"“{other.slug}”" for other in parties if other is not party)
                        self.problem(pending[id(party)].record, column, f"“{value}” is already the party {others}.")

    # The records already stored, by natural key -----------------------------------------------------------

    def _existing_parties(self, records):
        return {(slug,): party for slug, party in self.parties.items()}

    def _existing_treaties(self, records):
        return {(slug,): treaty for slug, treaty in self.treaties.items()}

    def _existing_aliases(self, records):
        return {(a.treaty.slug, a.name): a for a in TreatyAlias.objects.select_related("treaty")}

    def _existing_events(self, records):
        return self._existing_dated(TreatyEvent.objects.all(), records)

    def _existing_deadlines(self, records):
        return self._existing_dated(Deadline.objects.filter(rule=DeadlineRule.NONE), records)

    def _existing_dated(self, queryset, records):
        slugs = {_text(r.values.get("treaty")).strip() for r in records}
        rows = defaultdict(list)
        for row in queryset.filter(treaty__slug__in=slugs).select_related("treaty").prefetch_related("parties"):
            rows[row.treaty.slug].append(row)
        existing = {}
        for slug, items in rows.items():
            items.sort(key=lambda row: (row.date, row.pk))
            keys = natural_keys([(row.key, row.kind, row.when.isoformat()) for row in items])
            existing.update({(slug, key): row for key, row in zip(keys, items, strict=True)})
        return existing

    def _existing_statements(self, records):
        urls = [_text(r.values.get("url")).strip() for r in records]
        existing, self._statement_links = {}, defaultdict(set)
        for start in range(0, len(urls), BATCH):
            for statement in Statement.objects.filter(url__in=urls[start:start + BATCH]):
                existing[(statement.url,)] = statement
        through = Statement.treaties.through
        ids = [statement.pk for statement in existing.values()]
        for start in range(0, len(ids), BATCH):
            for statement_id, slug in through.objects.filter(statement_id__in=ids[start:start + BATCH]).values_list(
                "statement_id", "treaty__slug"
            ):
                self._statement_links[statement_id].add(slug)
        return existing

    # Writing -------------------------------------------------------------------------------------------------

    def write(self, *, user, reason: str) -> None:
        # Every kind but statements can change what is derived: a deadline a status, a party's name its words.
        touched: set[int] = set()
        parties: set[int] = set()
        for kind in KINDS:
            pending = self.pending[kind]
            if not pending:
                continue
            model = MODELS[kind]
            history = {"default_user": user, "default_change_reason": reason}
            created = [p.obj for p in pending if p.created]
            for done, start in enumerate(range(0, len(created), BATCH), start=1):
                bulk_create_with_history(created[start:start + BATCH], model, batch_size=BATCH, **history)
                self.progress("writing", kind, min(done * BATCH, len(created)), len(created))
            updated = [p for p in pending if not p.created and p.changed]
            if updated:
                fields = sorted({name for p in updated for name in p.changed})
                if any(f.name == "updated_at" for f in model._meta.fields):
                    fields.append("updated_at")
                    for p in updated:
                        p.obj.updated_at = timezone.now()
                objs = [p.obj for p in updated]
                for start in range(0, len(objs), BATCH):
                    bulk_update_with_history(objs[start:start + BATCH], model, fields, batch_size=BATCH, **history)
            self._write_links(kind, [p for p in pending if p.links is not None])
            if kind == "treaties":
                touched.update(p.obj.pk for p in pending)
            elif kind == "parties":
                parties.update(p.obj.pk for p in pending)
            elif kind != "statements":
                touched.update(p.obj.treaty_id for p in pending)
        versions.bump()  # the bulk writes above send no signals
        refreshes = record_changed(treaty_ids=touched, party_ids=parties)
        self.report.deadlines_refreshed += sum(refresh.changed for refresh in refreshes.values())

    def _write_links(self, kind: str, pending: list[_Pending]) -> None:
        if not pending:
            return
        name = _LINKS[kind]
        known = self.treaties if name == "treaties" else self.parties
        m2m = MODELS[kind]._meta.get_field(name)
        links, source = m2m.remote_field.through.objects, f"{m2m.m2m_field_name()}_id"
        ids = [p.obj.pk for p in pending if not p.created]  # new records have no links to replace
        for start in range(0, len(ids), BATCH):
            links.filter(**{f"{source}__in": ids[start:start + BATCH]}).delete()
        links_insert(MODELS[kind], name, [(p.obj.pk, known[slug].pk) for p in pending for slug in sorted(p.links)])


def _text(raw) -> str:
    return "" if raw is None else str(raw)


def _field_value(model_field: models.Field, raw, column: str):
    """A cell (text from CSV, or a JSON value) as the model field's value, validated as the field validates."""
    if column in LIST_COLUMNS:  # provision_sources: a list of URLs
        urls = raw.split() if isinstance(raw, str) else raw
        if not isinstance(urls, list):
            raise ValidationError("Give a list of URLs (in CSV, separated by spaces).")
        for url in urls:
            URLValidator()(url)
        return urls
    if isinstance(model_field, models.BooleanField):
        return _boolean(raw, model_field.default)
    if isinstance(raw, str) and not isinstance(model_field, models.TextField):
        raw = raw.strip()
    if raw in (None, "") and model_field.null:
        return None
    if raw is None:
        raw = ""
    if isinstance(model_field, models.CharField | models.TextField) and not isinstance(raw, str):
        raw = str(raw)
    return model_field.clean(raw, None)


def _boolean(raw, default: bool) -> bool:
    if isinstance(raw, bool):
        return raw
    text = _text(raw).strip().lower()
    if not text:
        return default
    if text in _TRUE | _FALSE:
        return text in _TRUE
    raise ValidationError(f"“{raw}” is not yes or no: write true or false.")

