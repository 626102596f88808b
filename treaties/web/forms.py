import re

from django import forms
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime

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


class FilterSelect(forms.Select):
    """Django's Select, written out here rather than through its templates, which include two templates for each
    option: a quarter of the treaty list's CPU went to its filters' options (the party filter lists every party).
    The options are written straight from the choices, without the dictionary Django's `optgroups` builds for each
    (the list's filters written in 2.5 ms instead of 4.4). The same HTML, byte for byte; tests/test_widgets.py
    compares."""

    def render(self, name, value, attrs=None, renderer=None):
        parts = [format_html('<select name="{}"{}>', name, _attributes(self.build_attrs(self.attrs, attrs)))]
        wanted, chosen = self.format_value(value), False
        for group, labels in self.choices:
            grouped = isinstance(labels, (list, tuple))
            tagged = grouped and group  # as Django's: a group named None, "" or 0 gets no <optgroup> of its own
            if tagged:
                parts.append(format_html('\n  <optgroup label="{}">', _text(group)))
            for option, label in labels if grouped else [("" if group is None else group, labels)]:
                selected = not chosen and str(option) in wanted  # as Django's: only the first match is selected
                chosen |= selected
                shown = conditional_escape(option if isinstance(option, str) else str(option))
                parts.append(f'\n  <option value="{shown}"{" selected" if selected else ""}>{_text(label)}</option>\n')
            if tagged:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every part is escaped by format_html or conditional_escape


def _text(value) -> str:
    """A label as `{{ label }}` prints it in Django's templates: a date or number in the site's format, escaped."""
    return conditional_escape(value if isinstance(value, str) else str(localize(template_localtime(value))))


def _attributes(attrs: dict) -> str:
    """As django/forms/widgets/attrs.html writes them: True is the bare name, False leaves the attribute out."""
    return mark_safe("".join(  # noqa: S308 - escaped by format_html
        format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
        for name, value in attrs.items() if value is not False
    ))


class TreatyFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name, alias or party"}))
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any")] + list(STATUS_FILTERS.items()),
                               widget=FilterSelect)
    category = forms.ChoiceField(label="Category", required=False, choices=[("", "Any")] + Category.choices,
                                 widget=FilterSelect)
    party = forms.ChoiceField(label="Party", required=False, widget=FilterSelect)
    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "Any")] + TreatyKind.choices,
                             widget=FilterSelect)
    due_within = WholeNumberField(label="Falls due within (days)", required=False, min_value=0, max_value=36500)
    sort = forms.ChoiceField(label="Sort by", required=False, choices=list(SORTS.items()), widget=FilterSelect)

    def __init__(self, *args, parties=(), **kwargs):
        """`parties`: (slug, name) pairs, in the menu's order."""
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = [("", "Any"), *parties]


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
    sort = forms.ChoiceField(label="Order", required=False, choices=list(search.SORTS.items()), widget=FilterSelect)
    field_order = ["q", "treaty", "outlet", "speaker", "date_from", "date_to", "sort"]


def treaty_filters(request) -> tuple[TreatyFilterForm, selectors.TreatyFilters]:
    """The list's filters from the query string; invalid ones are reported and ignored."""
    # Pairs, not rows: the menu lists every party, and a model row each cost more than the query (300 parties).
    form = TreatyFilterForm(request.GET or None, parties=Party.objects.order_by("name").values_list("slug", "name"))
    filters = selectors.TreatyFilters()
    if form.is_bound and form.is_valid():
        filters = selectors.TreatyFilters(**{k: v for k, v in form.cleaned_data.items() if v not in ("", None)})
    return form, filters


def statement_filters(request) -> tuple[StatementFilterForm, dict]:
    form = StatementFilterForm(request.GET or None)
    return form, (form.cleaned_data if form.is_bound and form.is_valid() else {})
