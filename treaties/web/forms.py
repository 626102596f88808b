import re

from django import forms

from .. import search, selectors
from ..models import Category, Party, TreatyKind
from ..selectors import SORTS, STATUS_FILTERS


class WholeNumberField(forms.IntegerField):
    """Digits only. Django's own also takes "20.0" and " 2e1"-like spellings of a whole number, which the API's
    schema (an integer) says it refuses: the page and the API must agree on what a number is."""

    def to_python(self, value):
        if value not in self.empty_values and not re.fullmatch(r"[0-9]+", str(value).strip()):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class TreatyFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name, alias or party"}))
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any")] + list(STATUS_FILTERS.items()))
    category = forms.ChoiceField(label="Category", required=False, choices=[("", "Any")] + Category.choices)
    party = forms.ChoiceField(label="Party", required=False)
    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "Any")] + TreatyKind.choices)
    due_within = WholeNumberField(label="Falls due within (days)", required=False, min_value=0, max_value=36500)
    sort = forms.ChoiceField(label="Sort by", required=False, choices=list(SORTS.items()))

    def __init__(self, *args, parties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = [("", "Any")] + [(p.slug, p.name) for p in parties]


class DateRange(forms.Form):
    """From and to, both optional, as ISO dates (what a date input sends, and the API's one format)."""

    date_from = forms.DateField(label="From", required=False, input_formats=["%Y-%m-%d"],
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="To", required=False, input_formats=["%Y-%m-%d"],
                              widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError("“From” must be on or before “To”.")
        return data


class StatementFilterForm(DateRange):
    q = forms.CharField(label="Search", required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Title, quote or speaker"}))
    treaty = forms.CharField(label="Treaty", required=False, max_length=200,
                             widget=forms.TextInput(attrs={"placeholder": "Name, alias or slug"}))
    outlet = forms.CharField(label="Outlet", required=False, max_length=200)
    speaker = forms.CharField(label="Speaker", required=False, max_length=200)
    sort = forms.ChoiceField(label="Order", required=False, choices=list(search.SORTS.items()))
    field_order = ["q", "treaty", "outlet", "speaker", "date_from", "date_to", "sort"]


def treaty_filters(request) -> tuple[TreatyFilterForm, selectors.TreatyFilters]:
    """The list's filters from the query string; invalid ones are reported and ignored."""
    form = TreatyFilterForm(request.GET or None, parties=Party.objects.only("slug", "name").order_by("name"))
    filters = selectors.TreatyFilters()
    if form.is_bound and form.is_valid():
        filters = selectors.TreatyFilters(**{k: v for k, v in form.cleaned_data.items() if v not in ("", None)})
    return form, filters


def statement_filters(request) -> tuple[StatementFilterForm, dict]:
    form = StatementFilterForm(request.GET or None)
    return form, (form.cleaned_data if form.is_bound and form.is_valid() else {})
