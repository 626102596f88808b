"""The whole record as one Frictionless Data package, versioned by the record's version.

A package is built on request and kept in the cache under the record's version and the day its statuses are for,
rather than rebuilt by a task after each change: the version moves in the same transaction as any change, so a
cached package can never outlive the record it was built from, and nothing is built while nobody downloads.
(Statuses depend on the day as well as the record, hence the day in the key.)

The same tables go out three ways: `datapackage.json` describing one CSV per table (served beside it and
packed with it in the ZIP), and one JSON file that is itself a data package with the rows inline.
"""

import csv
import datetime as dt
import io
import json
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from .. import versions
from ..transfer.formats import spreadsheet_safe
from .rows import whole_record
from .tables import TABLES, Table

NAME = "treaty-tracker"
TITLE = "Treaty Tracker: international treaties, their deadlines and what officials say about them"
AUTHOR = "The Treaty Tracker editors"
DATA_LICENCE = {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0 International",
                "path": "https://creativecommons.org/licenses/by/4.0/"}
CODE_LICENCE = {"name": "MIT", "title": "MIT License", "path": "https://opensource.org/license/mit"}
DESCRIPTION = (
    "International treaties, the dated events in their lives (signature, entry into force, extensions, "
    "suspensions, withdrawals, expiry), the deadlines that follow from them and the statements officials make "
    "about them. Every date carries its precision and its source. CSV cells that a spreadsheet would run as a "
    "formula (starting with =, +, -, @, a tab or a carriage return), and cells starting with an apostrophe, are "
    "written with a leading apostrophe; the JSON file holds the text as it is. Quoted titles and quotations "
    "remain their authors'; the licence covers the record: its selection, dates, links and descriptions."
)
ARCHIVE = f"{NAME}.zip"
ONE_FILE = f"{NAME}.json"
DESCRIPTOR = "datapackage.json"
CACHE_SECONDS = 2 * 24 * 60 * 60


@dataclass(frozen=True)
class Package:
    version: versions.Version
    status_on: dt.date
    descriptor: bytes  # datapackage.json
    archive: bytes  # the ZIP: datapackage.json and one CSV per table
    one_file: bytes  # the JSON data package, rows inline

    @property
    def etag(self) -> str:
        return key_of(self.version, self.status_on)

    def table_csv(self, name: str) -> bytes:
        with zipfile.ZipFile(io.BytesIO(self.archive)) as archive:
            return archive.read(f"{name}.csv")


def key_of(version: versions.Version, status_on: dt.date) -> str:
    """What names one package: the record's version and the day its statuses are for. The moment of the version
    is in it too, so a database loaded afresh, whose numbers start again, never meets a package cached before."""
    moment = int(version.changed_at.timestamp() * 1_000_000) if version.changed_at else 0
    return f"{version.etag}.{moment}-{status_on:%Y%m%d}"


def current() -> Package:
    """The package of the record as it stands, with statuses for today; built once per version and day."""
    version, today = versions.current(), timezone.localdate()
    key = f"dataset:{key_of(version, today)}"
    package = cache.get(key)
    if package is None:
        package = build(version, today)
        cache.set(key, package, CACHE_SECONDS)
    return package


def build(version: versions.Version, status_on: dt.date) -> Package:
    """Read the version before the rows (as `current` does): rows read after it are of that version or a later
    one, so a package is never labelled newer than what it holds."""
    csv_files, inline, sources = {}, {}, Sources()
    for name, rows in whole_record(status_on).items():
        objects = []

        def keeping(rows, objects=objects):
            # Each row goes into both files, as text, as it is read: the rows are never all Python objects at once.
            for row in sources.noting(rows):
                objects.append(json.dumps(row, ensure_ascii=False))
                yield row

        csv_files[f"{name}.csv"] = "".join(csv_lines(TABLES[name], keeping(rows)))
        inline[name] = "[" + ",\n".join(objects) + "]"
    descriptor = describe(version, status_on, sources.listed())
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr(DESCRIPTOR, _json(descriptor))
        for filename, text in csv_files.items():
            zipped.writestr(filename, text)
    return Package(version, status_on, _json(descriptor).encode(), archive.getvalue(),
                   _one_file(descriptor, inline).encode())


def describe(version: versions.Version, status_on: dt.date, sources: list[dict]) -> dict:
    changed = version.changed_at.isoformat().replace("+00:00", "Z") if version.changed_at else None
    return {
        "profile": "tabular-data-package",
        "name": NAME, "title": TITLE, "description": DESCRIPTION,
        "version": str(version.number),
        **({"created": changed} if changed else {}),
        "homepage": f"{settings.SITE_URL}/data/",
        "keywords": ["treaties", "international law", "arms control", "deadlines", "treaty status"],
        "licenses": [DATA_LICENCE],
        "contributors": [{"title": AUTHOR, "role": "author"}],
        "sources": sources,
        "resources": [
            {"name": table.name, "path": f"{table.name}.csv", "profile": "tabular-data-resource",
             "title": table.title, "description": _described(table, status_on), "format": "csv",
             "mediatype": "text/csv", "encoding": "utf-8", "schema": table.schema()}
            for table in TABLES.values()
        ],
    }


def _described(table: Table, status_on: dt.date) -> str:
    return table.description + (f" Statuses are for {status_on.isoformat()}." if "status_on" in table.columns else "")


def _one_file(descriptor: dict, inline: dict[str, str]) -> str:
    resources = [{key: value for key, value in resource.items() if key not in ("path", "format", "mediatype",
                                                                                "encoding")}
                 | {"data": f"@rows:{resource['name']}"} for resource in descriptor["resources"]]
    text = _json(descriptor | {"resources": resources})
    for name, rows in inline.items():
        text = text.replace(json.dumps(f"@rows:{name}"), rows, 1)
    return text


def _json(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def csv_lines(table: Table, rows: Iterable[dict], excel: bool = False) -> Iterator[str]:
    """The table as CSV text, line by line: UTF-8 with no byte-order mark (Python's `csv`, pandas and R read the
    first column's name cleanly), except for Excel, which needs one to read UTF-8 at all."""

    class Line:
        def write(self, text):
            return text

    writer = csv.writer(Line())
    if excel:
        yield "\ufeff"
    yield writer.writerow(table.columns)
    for row in rows:
        yield writer.writerow([_cell(row[column]) for column in table.columns])


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    # Text from feeds and editors must stay text when a spreadsheet opens the file.
    return spreadsheet_safe(value) if isinstance(value, str) else str(value)


class Sources:
    """Who the record's facts come from: each publisher once, with the site its first source is on."""

    PUBLISHERS = (("source_publisher", "source_url"), ("outlet", "url"))

    def __init__(self):
        self.found: dict[str, str] = {}

    def noting(self, rows: Iterable[dict]) -> Iterator[dict]:
        for row in rows:
            for publisher, url in self.PUBLISHERS:
                if row.get(publisher) and row.get(url) and row[publisher] not in self.found:
                    parts = urlsplit(row[url])
                    self.found[row[publisher]] = f"{parts.scheme}://{parts.netloc}/"
            yield row

    def listed(self) -> list[dict]:
        return [{"title": title, "path": path} for title, path in sorted(self.found.items())]
