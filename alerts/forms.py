from django import forms
from django.conf import settings
from django.utils import timezone

from treaties.models import Category, Party, Treaty
from treaties.prospects import treaties_with_nothing_to_come

from . import zones
from .models import Subscription
from .reminders import DEFAULT_LEADS, LEAD_CHOICES, lead_label
from .subscriptions import Choices


class TimeZoneField(forms.CharField):
    """A search box over the curated zones (`alerts.zones`); a city or country that names one zone is enough."""

    widget = forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off", "spellcheck": "false"})

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Time zone")
        kwargs.setdefault("help_text", "Type a city or a country, e.g. Zurich or Japan, and pick from the list.")
        super().__init__(max_length=64, **kwargs)

    def clean(self, value):
        text = super().clean(value)
        zone = zones.resolve(text)
        if zone is None:
            raise forms.ValidationError(
                f"“{text}” is not a time zone we know. Type a city or a country and pick from the list, "
                "e.g. Europe/Zurich.")
        return zone


HOURS = [(hour, f"{hour:02d}:00") for hour in range(24)]


def _lead_field() -> forms.TypedMultipleChoiceField:
    return forms.TypedMultipleChoiceField(
        label="Remind me", coerce=int, choices=[(d, lead_label(d)) for d in LEAD_CHOICES],
        initial=list(DEFAULT_LEADS), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one lead time."},
    )


class ChoicesForm(forms.Form):
    """What to watch and how to hear about it: the subscribe and the manage pages."""

    everything = forms.BooleanField(label="Every treaty", required=False)
    treaties = forms.ModelMultipleChoiceField(
        queryset=Treaty.objects.order_by("short_name"), required=False, widget=forms.CheckboxSelectMultiple
    )
    categories = forms.MultipleChoiceField(choices=Category.choices, required=False,
                                           widget=forms.CheckboxSelectMultiple)
    parties = forms.ModelMultipleChoiceField(
        queryset=Party.objects.order_by("name"), required=False, widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Every treaty the party is bound by.",
    )
    lead_days = _lead_field()
    time_zone = TimeZoneField()
    hour = forms.TypedChoiceField(label="At", coerce=int, choices=HOURS, initial=8)
    digest = forms.TypedChoiceField(
        label="How", coerce=lambda value: value == "digest", initial="immediate", widget=forms.RadioSelect,
        choices=[("immediate", "One email per reminder"), ("digest", "One daily digest")],
    )
    statements = forms.BooleanField(
        label="Also email me when a statement about a treaty I follow is added", required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].initial = settings.TIME_ZONE

    @property
    def time_zone_picker(self):
        return zones.picker()

    def clean(self):
        data = super().clean()
        if not (data.get("everything") or data.get("treaties") or data.get("categories") or data.get("parties")):
            raise forms.ValidationError("Choose what to follow: every treaty, some treaties, a category or a party.")
        treaties = data.get("treaties") or []
        only_treaties = treaties and not (data.get("everything") or data.get("categories") or data.get("parties"))
        if only_treaties and not data.get("statements"):
            # Said before anything is sent or confirmed: these alerts would never send a thing.
            done = treaties_with_nothing_to_come(timezone.localdate(), [t.pk for t in treaties])
            if len(done) == len(treaties):
                names = "; ".join(f"{treaty.short_name} {status.headline}" for treaty, status in done)
                raise forms.ValidationError(
                    f"Nothing is left to fall due for what you chose ({names}), so no reminder would ever be sent. "
                    "Tick “Also email me when a statement … is added” to follow what officials say, "
                    "or choose a treaty still in force."
                )
        return data

    def choices(self) -> Choices:
        data = self.cleaned_data
        return Choices(
            everything=data["everything"],
            treaty_ids=tuple(t.pk for t in data["treaties"]),
            categories=tuple(data["categories"]),
            party_ids=tuple(p.pk for p in data["parties"]),
            lead_days=tuple(data["lead_days"]),
            time_zone=data["time_zone"],
            hour=data["hour"],
            digest=data["digest"],
            statements=data["statements"],
        )

    @classmethod
    def initial_from(cls, choices: Choices) -> dict:
        return {
            "everything": choices.everything, "treaties": list(choices.treaty_ids),
            "categories": list(choices.categories), "parties": list(choices.party_ids),
            "lead_days": list(choices.lead_days), "time_zone": choices.time_zone, "hour": choices.hour,
            "digest": "digest" if choices.digest else "immediate", "statements": choices.statements,
        }


class SubscribeForm(ChoicesForm):
    email = forms.EmailField(label="Your email address", max_length=254)
    field_order = ["email"]


class SubscriptionAdminForm(forms.ModelForm):
    """The admin edits lead times and categories as lists, not as the bits and rows they are stored as."""

    lead_days = _lead_field()
    categories = forms.MultipleChoiceField(choices=Category.choices, required=False,
                                           widget=forms.CheckboxSelectMultiple)
    time_zone = TimeZoneField()

    class Meta:
        model = Subscription
        fields = ["email", "confirmed_at", "unsubscribed_at", "everything", "treaties", "parties", "statements",
                  "time_zone", "hour", "digest"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["lead_days"] = self.instance.lead_days
            self.initial["categories"] = list(self.instance.category_rows.values_list("category", flat=True))
        else:
            self.initial.setdefault("time_zone", settings.TIME_ZONE)

    def clean(self):
        data = super().clean()
        if data.get("lead_days"):
            self.instance.lead_days = data["lead_days"]
        return data
