"""The import and export file formats: which columns each kind of record has, and reading and writing them.

Plain Python, no database. A CSV file holds one kind of record, named by the
start of its file name (`events.csv`, `statements-2026.csv`); a JSON file holds
any kinds, as lists under their names; a ZIP holds such files. Columns and
JSON keys are the same, so a spreadsheet and a JSON file say the same things.
"""

import csv
import io
import json
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field

FORMAT_NAME = "treaty-tracker"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Kind:
    name: str
    columns: tuple[str, ...]  # in the order they are written
    required: tuple[str, ...]


# In the order they are imported: each kind refers only to kinds before it.
KINDS = {
    kind.name: kind
    for kind in [
        Kind("parties", ("slug", "name", "short_name", "iso_code", "is_organisation", "note"), ("slug", "name")),
        Kind(
            "treaties",
            (
                "slug", "short_name", "name", "category", "kind", "subject", "parties", "parties_note", "summary",
                "official_text_url", "term_years", "lapses_at_term_end", "extension_times", "extension_max_years",
                "withdrawal_notice_months", "withdrawal_notice_days", "duration_text", "extension_text",
                "withdrawal_text", "provision_sources",
            ),
            ("slug", "short_name", "name", "category", "kind"),
        ),
        Kind("aliases", ("treaty", "name", "language"), ("treaty", "name")),
        Kind(
            "events",
            ("treaty", "key", "kind", "date", "precision", "parties", "description", "source_url",
             "extension_years", "date_note"),
            ("treaty", "kind", "date", "precision", "description", "source_url"),
        ),
        Kind(
            "deadlines",
            ("treaty", "key", "kind", "date", "precision", "parties", "description", "source_url", "date_note"),
            ("treaty", "kind", "date", "precision"),
        ),
        Kind(
            "statements",
            ("url", "title", "outlet", "date", "precision", "date_note", "speaker", "speaker_role", "quote",
             "full_text", "language", "treaties"),
            ("url", "title", "outlet", "date", "precision"),
        ),
    ]
}
# Columns holding several values; in CSV they are separated by spaces (slugs and URLs have none).
LIST_COLUMNS = {"parties", "treaties", "provision_sources"}


@dataclass(frozen=True)
class Problem:
    """What is wrong and where, for the person who has to fix the file."""

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}"


@dataclass
class Record:
    kind: str
    file: str
    row: int  # as a spreadsheet numbers it (the header is row 1); in JSON, the position in its list from 1
    values: dict  # column -> text (CSV) or a JSON value

    def problem(self, column: str | None, message: str) -> Problem:
        return Problem(self.file, self.row, column, message)


@dataclass
class Reading:
    records: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def extend(self, other: "Reading") -> None:
        self.records += other.records
        self.problems += other.problems


def read_files(files: Iterable[tuple[str, bytes]]) -> Reading:
    """Records from (file name, content) pairs, and what is wrong with the files' shape."""
    reading = Reading()
    for name, content in files:
        reading.extend(read_file(name, content))
    return reading


def read_file(name: str, content: bytes) -> Reading:
    lowered = name.lower()
    if lowered.endswith(".csv"):
        return _read_csv(name, content)
    if lowered.endswith(".json"):
        return _read_json(name, content)
    if lowered.endswith(".zip"):
        return _read_zip(name, content)
    return Reading(problems=[Problem(name, None, None, "Unknown file type: use .csv, .json or a .zip of them.")])


def kind_of_csv(name: str) -> str | None:
    stem = name.replace("\\", "/").rsplit("/", 1)[-1].lower()
    return next((kind for kind in KINDS if stem.startswith(kind)), None)


def _decode(name: str, content: bytes) -> tuple[str | None, Problem | None]:
    try:
        # utf-8-sig: spreadsheets often start a UTF-8 file with a byte-order mark.
        return content.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        return None, Problem(
            name, line, None,
            f"The file is not UTF-8 text (byte 0x{content[error.start]:02x} at position {error.start}). "
            "Save it as UTF-8 (in a spreadsheet: “CSV UTF-8”) and import it again.",
        )


def _read_csv(name: str, content: bytes) -> Reading:
    kind = kind_of_csv(name)
    if kind is None:
        return Reading(problems=[Problem(
            name, None, None,
            "Cannot tell what the file holds: start its name with " + ", ".join(f"{k}" for k in KINDS)
            + " (e.g. events.csv).",
        )])
    text, problem = _decode(name, content)
    if problem:
        return Reading(problems=[problem])
    rows = csv.reader(io.StringIO(text, newline=""))
    header = [column.strip() for column in next(rows, [])]
    reading = Reading(problems=_header_problems(name, 1, KINDS[kind], header))
    if reading.problems:
        return reading
    for number, cells in enumerate(rows, start=2):
        if not any(cell.strip() for cell in cells):
            continue  # blank lines are how spreadsheets end
        if len(cells) > len(header):
            reading.problems.append(Problem(name, number, None, f"{len(cells)} cells but {len(header)} columns."))
            continue
        values = dict(zip(header, cells, strict=False))
        reading.records.append(Record(kind, name, number, values))
    return reading


def _read_json(name: str, content: bytes) -> Reading:
    text, problem = _decode(name, content)
    if problem:
        return Reading(problems=[problem])
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        return Reading(problems=[Problem(name, error.lineno, None, f"Not valid JSON: {error.msg}.")])
    if not isinstance(document, dict):
        return Reading(problems=[Problem(name, None, None, 'Expected an object: {"treaties": [...], ...}.')])
    reading = Reading()
    for kind, rows in document.items():
        if kind in ("format", "version"):
            continue
        where = f"{name} › {kind}"
        if kind not in KINDS:
            reading.problems.append(Problem(name, None, kind, f"Unknown kind of record; expected {', '.join(KINDS)}."))
            continue
        if not isinstance(rows, list):
            reading.problems.append(Problem(name, None, kind, "Expected a list of records."))
            continue
        for number, row in enumerate(rows, start=1):
            if not isinstance(row, dict):
                reading.problems.append(Problem(where, number, None, "Expected an object with the record's fields."))
                continue
            problems = _header_problems(where, number, KINDS[kind], list(row))
            reading.problems += problems
            if not problems:
                reading.records.append(Record(kind, where, number, row))
    return reading


def _read_zip(name: str, content: bytes) -> Reading:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        return Reading(problems=[Problem(name, None, None, "Not a readable ZIP file.")])
    reading = Reading()
    with archive:
        for member in sorted(archive.namelist()):
            if member.endswith("/") or member.rsplit("/", 1)[-1].startswith("."):
                continue
            reading.extend(read_file(f"{name}/{member}", archive.read(member)))
    return reading


def _header_problems(where: str, row: int, kind: Kind, columns: list[str]) -> list[Problem]:
    problems = [Problem(where, row, column, f"Missing required column “{column}”.")
                for column in kind.required if column not in columns]
    problems += [
        Problem(where, row, column, f"Unknown column for {kind.name}; known: {', '.join(kind.columns)}.")
        for column in columns if column not in kind.columns
    ]
    problems += [Problem(where, row, column, "The column appears twice.")
                 for column in sorted({c for c in columns if columns.count(c) > 1})]
    return problems


def write_json(rows_by_kind: dict[str, list[dict]]) -> str:
    document = {"format": FORMAT_NAME, "version": FORMAT_VERSION, **rows_by_kind}
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def write_csv(kind: str, rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(KINDS[kind].columns)
    for row in rows:
        writer.writerow([_csv_cell(row[column]) for column in KINDS[kind].columns])
    return out.getvalue()


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return " ".join(value)
    return str(value)


def natural_keys(items: list[tuple[str, str, str]]) -> list[str]:
    """Each (key, kind, date) item's key, or one made from its kind and date ("withdrawal-notice-2019-02-02").

    A repeat on the same treaty gets "-2", "-3", as the shipped data does; give
    the items of one treaty in date order so the same record gets the same key.
    """
    taken = [key for key, _, _ in items]
    keys, seen = [], set(filter(None, taken))
    for key, kind, date in items:
        if not key:
            base = f"{kind.replace('_', '-')}-{date}"
            key, n = base, 1
            while key in seen:
                n += 1
                key = f"{base}-{n}"
        seen.add(key)
        keys.append(key)
    return keys
