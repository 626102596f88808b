"""Many parties' dates at once: a table pasted from a depositary's list becomes events, through the import.

One line per party and act: party (name, short name or slug), what it did, when, and optionally the source
(else the one given for all). The lines become an events file for `data_import`, so the checks, the dry run,
the all-or-nothing write, the history and the re-derived deadlines and statuses are the import's own.
"""

import csv
import io

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from ..models import EventKind, Party, Treaty
from ..precision import PreciseDate
from ..transfer.imports import data_import
from .access import can_import

ACTS = {kind.value: kind.label for kind in (EventKind.SIGNED, EventKind.RATIFIED, EventKind.JOINED,
                                            EventKind.SUSPENDED, EventKind.RESUMED, EventKind.WITHDRAWAL_NOTICE,
                                            EventKind.WITHDRAWN)}


class PartiesDatesForm(forms.Form):
    lines = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 12, "cols": 90}),
        help_text="One line per party and act, separated by tabs (as pasted from a spreadsheet) or commas: "
        "party, act (" + ", ".join(ACTS) + "), date (YYYY-MM-DD, YYYY-MM or YYYY), and optionally the source URL.",
    )
    source_url = forms.URLField(required=False, assume_scheme="https",
                                help_text="The source for every line that gives none (a depositary notification).")
    dry_run = forms.BooleanField(required=False, initial=True, label="Dry run: check and show, write nothing")

    def __init__(self, *args, treaty: Treaty, **kwargs):
        super().__init__(*args, **kwargs)
        self.treaty = treaty

    def clean(self):
        cleaned = super().clean()
        parties = {}
        for party in Party.objects.all():
            for name in (party.name, party.short_name, party.slug):
                parties[name.casefold()] = party
        rows, errors = [], []
        for number, line in enumerate(cleaned.get("lines", "").splitlines(), start=1):
            if not line.strip():
                continue
            cells = [c.strip() for c in (line.split("\t") if "\t" in line else next(csv.reader([line])))]
            if len(cells) < 3:
                errors.append(f"Line {number}: give the party, the act and the date.")
                continue
            party, act, date, source = (cells + [""])[:4]
            source = source or cleaned.get("source_url") or ""
            if party.casefold() not in parties:
                errors.append(f"Line {number}: no party “{party}”; add it under Parties first.")
            elif act not in ACTS:
                errors.append(f"Line {number}: “{act}” is not one of {', '.join(ACTS)}.")
            elif not source:
                errors.append(f"Line {number}: give a source URL on the line or for all lines.")
            else:
                try:
                    when = PreciseDate.parse(date)
                except ValueError as error:
                    errors.append(f"Line {number}: {error}")
                    continue
                found = parties[party.casefold()]
                key = f"{act.replace('_', '-')}-{when.isoformat()}-{found.slug}"[:120]  # pasted again: unchanged
                rows.append({"treaty": self.treaty.slug, "key": key, "kind": act, "date": when.isoformat(),
                             "precision": when.precision, "parties": found.slug, "source_url": source,
                             "description": f"{found.display_name}: {ACTS[act].lower()}."})
        if errors:
            raise forms.ValidationError(errors)
        cleaned["rows"] = rows
        return cleaned


def events_file(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, ["treaty", "key", "kind", "date", "precision", "parties", "description",
                                  "source_url"])
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def parties_dates_view(request, object_id):
    if not can_import(request.user):
        raise PermissionDenied
    treaty = get_object_or_404(Treaty, pk=object_id)
    form = PartiesDatesForm(request.POST or None, treaty=treaty)
    report = None
    if request.method == "POST" and form.is_valid():
        report = data_import(files=[("events.csv", events_file(form.cleaned_data["rows"]))],
                             dry_run=form.cleaned_data["dry_run"], user=request.user)
    context = {**admin.site.each_context(request), "title": f"Parties' dates for {treaty.short_name}",
               "treaty": treaty, "form": form, "report": report, "opts": Treaty._meta}
    return TemplateResponse(request, "admin/treaties/parties_dates.html", context)
