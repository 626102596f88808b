"""The filter forms' select (treaties.web.forms.FilterSelect, written without templates) writes what Django's does."""

import datetime as dt
from unittest import mock

from django import forms
from django.utils.translation import gettext_lazy

from treaties.models import Party
from treaties.web.forms import FilterSelect, TreatyFilterForm


def choices(select):
    class Choices(forms.Form):
        plain = forms.ChoiceField(choices=[("", "Any"), ("a", "A & <B>"), (1, "One"), ("l", gettext_lazy("Lazy"))],
                                  initial="a", widget=select)
        optional = forms.ChoiceField(choices=[("", "Any"), ("b", "B")], required=False, widget=select)
        grouped = forms.ChoiceField(choices=[("Group “1”", [("x", "X"), ("y", "Y")]), ("z", "Z")], required=False,
                                    widget=select)
        marked = forms.ChoiceField(choices=[("a", "A")], widget=select(attrs={
            "class": "x <y>", "data-n": 1, "autofocus": True, "disabled": False, "aria-label": "Choose “A”"}))
        empty = forms.ChoiceField(choices=[], required=False, widget=select)
        # Groups Django writes without an <optgroup>, and labels its templates print in the site's formats.
        unnamed = forms.ChoiceField(choices=[(None, [("x", "X")]), ("", [("y", "Y")]), (0, [("z", "Z")]), ("a", "A")],
                                    required=False, widget=select)
        formatted = forms.ChoiceField(required=False, widget=select, choices=[
            ("d", dt.date(2001, 2, 3)), ("t", dt.datetime(2001, 2, 3, 4, 5, tzinfo=dt.UTC)), ("f", 1234.5),
            ("h", Markup()), (dt.date(2002, 1, 1), [("g", "G")])])
    return Choices


class Markup:
    """Not a string, though it says it is safe HTML: Django's templates print its str(), escaped."""

    def __html__(self):
        return "<b>html</b>"

    def __str__(self):
        return "<b>str</b>"


def test_the_filter_select_writes_exactly_what_djangos_select_and_its_templates_write(db):
    ours, djangos = choices(FilterSelect), choices(forms.Select)
    for data in [None, {"plain": "1", "optional": "", "grouped": "y", "marked": "a", "unnamed": "z", "formatted": "g"},
                 {"plain": "<nope>"}]:
        for name in ours.base_fields:
            assert str(ours(data)[name]) == str(djangos(data)[name]), (name, data)


def test_the_treaty_filters_are_written_as_djangos_select_would_write_them(reference_data):
    for data in [None, {"status": "lapsed", "party": "russia", "sort": "name"}, {"party": "nobody", "kind": "x"}]:
        form = TreatyFilterForm(data, parties=Party.objects.order_by("name").values_list("slug", "name"))
        ours = [str(form[name]) for name in form.fields]
        with mock.patch.object(FilterSelect, "render", forms.Select.render):  # Django's own, through its templates
            djangos = [str(form[name]) for name in form.fields]
        assert ours == djangos
        assert 'value="russia"' in ours[3]
