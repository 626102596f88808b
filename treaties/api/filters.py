"""The API's query parameters: each list's filters are one Django form that both validates them and documents them.

The schema's parameters are read from the same form fields that check the request, so the two cannot drift
apart. Every list validates the same way: an unknown treaty or party is a 400 quoting it (never an empty page),
a date is YYYY-MM-DD or a 400, and an empty parameter means the same as an absent one, as on the web pages
whose forms these are or extend.
"""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError

from .. import search, selectors
from ..models import DeadlineKind, EventKind, Party, Treaty
from ..web.asof import PATTERN
from ..web.forms import DateRange, StatementFilterForm, TreatyFilterForm

SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
TEXT_PATTERN = r"^[^\x00]*$"


class KnownSlugField(forms.SlugField):
    """A slug that must name a record of `model`; its value is the slug itself."""

    def __init__(self, model, **kwargs):
        self.model = model
        # Not stripped: " " is no slug, and should not read as "any".
        super().__init__(required=False, max_length=200, strip=False, **kwargs)

    def validate(self, value):
        super().validate(value)
        if value and not self.model.objects.filter(slug=value).exists():
            raise forms.ValidationError(
                f"No {self.model._meta.verbose_name} has the slug “%(value)s”.", code="unknown", params={"value": value}
            )


class TreatyListFilters(TreatyFilterForm):
    # The web list offers every party in a menu; here a party is looked up only when one is asked for.
    party = KnownSlugField(Party, help_text="A party's slug, as in /api/v1/parties/")


class StatementListFilters(StatementFilterForm):
    q = forms.CharField(required=False, max_length=200, help_text=(
        "Words in the title, speaker or quote, read as a web search engine reads them: every word must appear, "
        '"a phrase" in that order, -word must not, `or` between alternatives; case and accents do not matter '
        "(on SQLite, the embedded default: ASCII case only, accents count). A search with no word in it (only "
        "punctuation) matches nothing."))
    sort = forms.ChoiceField(required=False, choices=list(search.SORTS.items()), help_text=(
        f"The order of a search (`q`). `relevance` (the default): the {search.RANKED_MATCHES:,} newest matches, "
        "most relevant first (a word in the title above one in the speaker, above one in the quote), newest first "
        f"among equals; so `count` is at most {search.RANKED_MATCHES:,}. `newest`: every match, newest first. "
        "Without `q` the list is always newest first."))

    def clean_treaty(self):
        treaty = self.cleaned_data["treaty"]
        if treaty and not selectors.treaties_named(treaty).exists():
            raise forms.ValidationError("No treaty has the slug, name or alias “%(value)s”.", code="unknown",
                                        params={"value": treaty})
        return treaty


class PartyListFilters(forms.Form):
    q = forms.CharField(required=False, max_length=200, help_text="Words in the name or short name, or an ISO code")


class RecordFilters(DateRange):
    treaty = KnownSlugField(Treaty, help_text="A treaty's slug, as in /api/v1/treaties/")
    party = KnownSlugField(Party, help_text="A party's slug, as in /api/v1/parties/")


class EventListFilters(RecordFilters):
    kind = forms.ChoiceField(required=False, choices=EventKind.choices)


class DeadlineListFilters(RecordFilters):
    kind = forms.ChoiceField(required=False, choices=DeadlineKind.choices)
    upcoming = forms.TypedChoiceField(required=False, choices=[("true", "true"), ("false", "false")],
                                      coerce=lambda text: text == "true", empty_value=None,
                                      help_text="true: not yet passed on `on`; false: passed")


HELP = {
    "status": "The treaty's status on `on`",
    "due_within": "Only treaties with a deadline within this many days of `on`",
    "sort": "The order of the list (default: next deadline first)",
    "outlet": "The outlet's name, exactly (any case)",
    "speaker": "Words in the speaker's name",
    "date_from": "On or after this day (YYYY-MM-DD)",
    "date_to": "On or before this day (YYYY-MM-DD)",
}


def field_schema(field: forms.Field) -> dict:
    """The OpenAPI schema of the values `field` accepts (an empty value is allowed everywhere: see the module)."""
    if isinstance(field, forms.IntegerField):
        bounds = {"minimum": field.min_value, "maximum": field.max_value}
        return {"type": "integer", **{k: v for k, v in bounds.items() if v is not None}}
    if isinstance(field, forms.DateField):
        return {"type": "string", "format": "date"}
    if isinstance(field, forms.ChoiceField):
        return {"type": "string", "enum": [value for value, _ in field.choices if value != ""]}
    # Django's CharField refuses NUL characters.
    return {"type": "string", "maxLength": field.max_length,
            "pattern": SLUG_PATTERN if isinstance(field, forms.SlugField) else TEXT_PATTERN}


def describe(name: str, field: forms.Field) -> str:
    # The web form's hint ("Name, alias or party") says what a search looks in.
    text = str(field.help_text or field.widget.attrs.get("placeholder") or HELP.get(name, ""))
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.TypedChoiceField):
        text += "".join(f"\n* `{value}`: {label}" for value, label in field.choices if value != "")
    return text.strip()


def parameters(form_class: type[forms.Form], *, on: bool = True) -> list[OpenApiParameter]:
    """The form's fields as documented query parameters, with `on` where the list depends on the day."""
    documented = [
        OpenApiParameter(name, field_schema(field), description=describe(name, field))
        for name, field in form_class.base_fields.items()
    ]
    return [on_parameter()] + documented if on else documented


def on_parameter() -> OpenApiParameter:
    return OpenApiParameter(
        "on", {"type": "string", "format": "date", "pattern": PATTERN},
        description="Show the record as of this day, 1800-01-01 to 2199-12-31 (default: today in the site's zone)",
    )


def validated(form: forms.Form) -> dict:
    """The form's cleaned values, or a 400 whose body names each bad parameter and says what to fix."""
    # A form reads the last of repeated values; a client that sent two meant something we would not do.
    repeated = {name: ["Give this parameter once."] for name in form.fields if len(form.data.getlist(name)) > 1}
    if repeated:
        raise ValidationError(repeated)
    if not form.is_valid():
        raise ValidationError({
            "non_field_errors" if name == NON_FIELD_ERRORS else name: [str(e) for e in errors]
            for name, errors in form.errors.items()
        })
    return form.cleaned_data
