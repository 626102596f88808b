"""The Data page, and the whole record as files at stable addresses under /data/."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import condition, require_safe

from .. import versions
from ..changes import recent_changes
from ..dataset import package
from ..dataset.tables import TABLES

JSON_TYPE = "application/json; charset=utf-8"


def data_page(request):
    version = versions.current()
    return render(request, "treaties/data.html", {
        "version": version,
        "citation": citation(version),
        "tables": TABLES.values(),
        "package": package,
        "changes": recent_changes(timezone.now(), limit=10),
    })


def citation(version: versions.Version) -> dict:
    """How to cite the dataset as it stands: the same title, authors and licence as CITATION.cff."""
    day = timezone.localtime(version.changed_at).date() if version.changed_at else timezone.localdate()
    url = f"{settings.SITE_URL}/data/"
    text = (f"{package.AUTHOR} ({day.year}). {package.TITLE} [Data set], version {version.number} of "
            f"{day.day} {day:%B %Y}. {url}. Licensed under CC BY 4.0.")
    bibtex = (f"@misc{{treaty_tracker_{version.number},\n  author = {{{{{package.AUTHOR}}}}},\n"
              f"  title = {{{package.TITLE}}},\n  year = {{{day.year}}},\n  version = {{{version.number}}},\n"
              f"  date = {{{day.isoformat()}}},\n  howpublished = {{\\url{{{url}}}}},\n"
              f"  note = {{Data set, licensed under CC BY 4.0}}\n}}")
    return {"day": day, "text": text, "bibtex": bibtex}


def _etag(request, filename):
    # Known without building the package: the record's version and the day the statuses are for.
    return package.key_of(versions.current(), timezone.localdate())


@require_safe
@condition(etag_func=_etag)
def data_file(request, filename):
    """datapackage.json, the ZIP, the one-file JSON, and each table's CSV (which the descriptor points at)."""
    tables = {f"{name}.csv": name for name in TABLES}
    if filename not in (package.DESCRIPTOR, package.ARCHIVE, package.ONE_FILE, *tables):
        raise Http404("No such file in the dataset.")
    built = package.current()
    versioned = f"{package.NAME}-{built.version.number}-{built.status_on.isoformat()}"
    if filename == package.DESCRIPTOR:
        response = HttpResponse(built.descriptor, content_type=JSON_TYPE)
    elif filename == package.ARCHIVE:
        response = HttpResponse(built.archive, content_type="application/zip")
        response["Content-Disposition"] = content_disposition_header(True, f"{versioned}.zip")
    elif filename == package.ONE_FILE:
        response = HttpResponse(built.one_file, content_type=JSON_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, f"{versioned}.json")
    else:
        response = HttpResponse(built.table_csv(tables[filename]), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(True, f"{versioned}-{filename}")
    # The package actually served may be newer than the ETag computed before it was built: say which it is.
    response["ETag"] = f'"{built.etag}"'
    response["Cache-Control"] = "public, max-age=300"
    return response
