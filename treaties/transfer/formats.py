"""The import and export file formats: which columns each kind of record has, and reading and writing them.

Plain Python, no database. A CSV file holds one kind of record, named by the
start of its file name (`events.csv`, `statements-2026.csv`); a JSON file holds
any kinds, as lists under their names; a ZIP holds such files. Columns and
JSON keys are the same, so a spreadsheet and a JSON file say the same things.
CSV cells that a spreadsheet would run as formulas are written with a leading
apostrophe, which reading removes.
"""

import csv
import io
import json
import zipfile
import zlib
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
                "withdrawal_notice_months", "withdrawal_notice_days", "consent_effect_days", "review_every_years",
                "duration_text", "extension_text", "withdrawal_text", "provision_sources", "checked_on",
                "checked_against", "editor_note",
            ),
            ("slug", "short_name", "name", "category", "kind"),
        ),
        Kind("aliases", ("treaty", "name", "language"), ("treaty", "name")),
        Kind(
            "events",
            ("treaty", "key", "kind", "date", "precision", "parties", "description", "source_url",
             "source_publisher", "source_kind", "extension_years", "date_note", "editor_note"),
            ("treaty", "kind", "date", "precision", "description", "source_url"),
        ),
        Kind(
            "deadlines",
            ("treaty", "key", "kind", "date", "precision", "parties", "description", "source_url",
             "source_publisher", "source_kind", "date_note", "editor_note"),
            ("treaty", "kind", "date", "precision"),
        ),
        Kind(
            "statements",
            ("url", "title", "outlet", "date", "precision", "date_note", "speaker", "speaker_role", "quote",
             "full_text", "language", "voice", "treaties"),
            ("url", "title", "outlet", "date", "precision"),
        ),
    ]
}
# Columns holding several values; in CSV they are separated by spaces (slugs and URLs have none).
LIST_COLUMNS = {"parties", "treaties", "provision_sources"}


@dataclass(frozen=True)
class Limits:
    """How much an import reads, so that one file (or a small ZIP that unpacks to gigabytes) cannot
    exhaust the memory of the process reading it."""

    file_bytes: int = 100_000_000  # each file, and each file in a ZIP once unpacked
    unpacked_bytes: int = 200_000_000  # all the files in one ZIP together, unpacked
    zip_members: int = 500


def size(count: int) -> str:
    return f"{count / 1_000_000:,.1f} MB" if count >= 100_000 else f"{count:,} bytes"


# Spreadsheet programs run a cell that starts with one of these as a formula (a tab or a carriage return
# before one too). Written with a leading apostrophe they are text; reading strips the apostrophe again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """The cell as a spreadsheet will show it as text. A cell that already starts with an apostrophe gets
    another, so that `spreadsheet_value` gives back exactly what was written."""
    return "'" + text if text.startswith((*FORMULA_STARTS, "'")) else text


def spreadsheet_value(cell: str) -> str:
    """The value `spreadsheet_safe` wrote as this cell."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith((*FORMULA_STARTS, "'")) else cell


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


def read_files(files: Iterable[tuple[str, bytes]], limits: Limits = Limits()) -> Reading:
    """Records from (file name, content) pairs, and what is wrong with the files' shape."""
    reading = Reading()
    for name, content in files:
        reading.extend(read_file(name, content, limits))
    return reading


def too_large(name: str, count: int, limits: Limits) -> Problem | None:
    if count <= limits.file_bytes:
        return None
    return Problem(name, None, None, f"The file is {size(count)}; an import reads files of up to "
                   f"{size(limits.file_bytes)}. Split it into smaller files of the same kind.")


def read_file(name: str, content: bytes, limits: Limits = Limits()) -> Reading:
    if problem := too_large(name, len(content), limits):
        return Reading(problems=[problem])
    lowered = name.lower()
    if lowered.endswith(".csv"):
        return _read_csv(name, content)
    if lowered.endswith(".json"):
        return _read_json(name, content)
    if lowered.endswith(".zip"):
        return _read_zip(name, content, limits)
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
        values = dict(zip(header, map(spreadsheet_value, cells), strict=False))
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


def _read_zip(name: str, content: bytes, limits: Limits) -> Reading:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, NotImplementedError, EOFError, OSError):
        return Reading(problems=[Problem(name, None, None, "Not a readable ZIP file.")])
    with archive:
        members = sorted((info for info in archive.infolist()
                          if info.filename and not info.is_dir()
                          and not info.filename.rsplit("/", 1)[-1].startswith(".")),
                         key=lambda info: info.filename)
        problems = _zip_problems(name, members, limits)
        if problems:
            return Reading(problems=problems)
        reading, unpacked = Reading(), 0
        for info in members:
            where = f"{name}/{info.filename}"
            data, problem = _unpack(archive, info, where, min(limits.file_bytes, limits.unpacked_bytes - unpacked))
            if problem:
                return Reading(problems=[problem])
            if data.startswith(b"PK\x03\x04"):
                return Reading(problems=[_nested(where)])
            unpacked += len(data)
            reading.extend(read_file(where, data, limits))
    return reading


def _zip_problems(name: str, members: list[zipfile.ZipInfo], limits: Limits) -> list[Problem]:
    """What the ZIP's directory already shows to be too much; its sizes are checked again while unpacking."""
    if len(members) > limits.zip_members:
        return [Problem(name, None, None, f"The ZIP holds {len(members):,} files; an import reads up to "
                        f"{limits.zip_members:,}. Import it in parts.")]
    problems = [_nested(f"{name}/{info.filename}") for info in members if info.filename.lower().endswith(".zip")]
    problems += [problem for info in members
                 if (problem := too_large(f"{name}/{info.filename}", info.file_size, limits))]
    total = sum(info.file_size for info in members)
    if total > limits.unpacked_bytes:
        problems.append(Problem(name, None, None, f"The ZIP unpacks to {size(total)}; an import unpacks up to "
                                f"{size(limits.unpacked_bytes)}. Import it in parts."))
    return problems


def _unpack(archive: zipfile.ZipFile, info: zipfile.ZipInfo, where: str, limit: int) -> tuple[bytes, Problem | None]:
    # Read one byte past the limit rather than trust the size the ZIP declares: a forged directory can understate it.
    try:
        with archive.open(info) as member:
            data = member.read(limit + 1)
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, EOFError, ValueError, OSError) as error:
        # A damaged or forged archive, an unsupported method, a password: all say the member cannot be read.
        return b"", Problem(where, None, None, f"Cannot be unpacked ({error}).")
    if len(data) > limit:
        return b"", Problem(where, None, None, "Unpacks to more than its ZIP declares, past what an import reads.")
    return data, None


def _nested(where: str) -> Problem:
    return Problem(where, None, None, "A ZIP inside a ZIP is not read: unpack it and import its files, "
                   "or put them in the outer ZIP.")


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
    # Dates that are plain fields (when a treaty was checked) are written as CSV writes them: YYYY-MM-DD.
    return json.dumps(document, ensure_ascii=False, indent=1, default=lambda value: value.isoformat()) + "\n"


def write_csv(kind: str, rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(KINDS[kind].columns)
    for row in rows:
        writer.writerow([spreadsheet_safe(_csv_cell(row[column])) for column in KINDS[kind].columns])
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
