"""Admin pages to import and export tracker data (the same as `import_data` and `export_data`)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from ..transfer.exports import export_csv_zip, export_json
from ..transfer.formats import KINDS, too_large
from ..transfer.imports import data_import, import_limits
from .access import can_export, can_import


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(file, initial) for file in files]


class ImportForm(forms.Form):
    files = MultipleFileField(
        help_text="CSV files named by what they hold (parties.csv, treaties.csv, aliases.csv, events.csv, "
        "deadlines.csv, statements.csv), JSON files, or a ZIP of them. UTF-8.",
    )
    dry_run = forms.BooleanField(
        required=False, initial=True, label="Dry run: check and report what would change, write nothing",
    )

    def clean_files(self):
        # Checked before the files are read into memory; data_import checks what ZIPs unpack to.
        limits = import_limits()
        problems = [str(problem) for upload in self.cleaned_data["files"]
                    if (problem := too_large(upload.name, upload.size, limits))]
        if problems:
            raise forms.ValidationError(problems)
        return self.cleaned_data["files"]


def import_view(request):
    if not can_import(request.user):
        raise PermissionDenied
    report = None
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        files = [(upload.name, upload.read()) for upload in form.cleaned_data["files"]]
        report = data_import(files=files, dry_run=form.cleaned_data["dry_run"], user=request.user)
    context = {
        **admin.site.each_context(request),
        "title": "Import tracker data",
        "form": form,
        "report": report,
        "kinds": KINDS.values(),
    }
    return TemplateResponse(request, "admin/treaties/import.html", context)


def export_view(request):
    if not can_export(request.user):
        raise PermissionDenied
    stamp = timezone.localdate().isoformat()
    if request.GET.get("format") == "csv":
        response = HttpResponse(export_csv_zip(), content_type="application/zip")
        name = f"treaty-tracker-{stamp}.zip"
    else:
        response = HttpResponse(export_json(), content_type="application/json; charset=utf-8")
        name = f"treaty-tracker-{stamp}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
