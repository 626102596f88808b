"""The project's select template (templates/django/forms/widgets/select.html) writes what Django's own does."""

from django import forms
from django.forms.renderers import DjangoTemplates

from treaties.web.forms import TreatyFilterForm


class Choices(forms.Form):
    plain = forms.ChoiceField(choices=[("", "Any"), ("a", "A & <B>"), (1, "One")], initial="a")
    grouped = forms.ChoiceField(choices=[("Group “1”", [("x", "X"), ("y", "Y")]), ("z", "Z")], required=False)
    several = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B"), ("c", "C")], initial=["a", "c"])
    marked = forms.ChoiceField(choices=[("a", "A")], widget=forms.Select(attrs={"class": "x", "data-y": "1"}))
    radio = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)


def test_select_widgets_render_exactly_as_with_djangos_own_templates(db):
    for ours, djangos in [
        (Choices(), Choices(renderer=DjangoTemplates())),
        (Choices({"plain": "1", "grouped": "y", "several": ["b"]}),
         Choices({"plain": "1", "grouped": "y", "several": ["b"]}, renderer=DjangoTemplates())),
        (TreatyFilterForm({"status": "lapsed", "sort": "name"}),
         TreatyFilterForm({"status": "lapsed", "sort": "name"}, renderer=DjangoTemplates())),
    ]:
        assert ours.renderer is not djangos.renderer
        for name in ours.fields:
            assert str(ours[name]) == str(djangos[name]), name
