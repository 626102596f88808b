"""Statement entry: paste the title, URL and text, let the form suggest the treaties it mentions, save."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from simple_history.admin import SimpleHistoryAdmin

from ..mentions import Mention
from ..models import Statement, Treaty
from ..safe_html import clean_html
from ..selectors import treaty_matcher
from ..signals import statements_linked_on_commit
from .record import HTTPS_LINKS

SUGGEST = "_suggest"


class SuggestionsWidget(forms.CheckboxSelectMultiple):
    """The suggested treaties as checkboxes, with the button that finds them."""

    def render(self, name, value, attrs=None, renderer=None):
        choices = super().render(name, value, attrs, renderer) if list(self.choices) else mark_safe(  # noqa: S308
            "<p>No suggestions yet: paste the text, then press the button.</p>"  # a literal: nothing to escape
        )
        return format_html(
            '{}<button type="submit" name="{}" value="1" class="button">Suggest treaties from the text</button>',
            choices, SUGGEST,
        )


class StatementForm(forms.ModelForm):
    url = forms.URLField(label="URL", max_length=800, assume_scheme="https")
    suggested_treaties = forms.ModelMultipleChoiceField(
        queryset=Treaty.objects.none(),
        required=False,
        widget=SuggestionsWidget,
        help_text="Treaties the title, quote or text name (short names, full names and aliases, Latin and "
        "Cyrillic). Ticked ones are linked on saving; a name two treaties share is left for you to tick.",
    )

    class Meta:
        model = Statement
        fields = ["title", "url", "outlet", "date", "precision", "date_note", "speaker", "speaker_role", "quote",
                  "full_text", "language", "treaties"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.mentions = self._mentions()
        field = self.fields["suggested_treaties"]
        words = {mention.treaty: mention for mention in self.mentions}
        field.queryset = Treaty.objects.filter(pk__in=words)
        field.label_from_instance = lambda treaty: _label(treaty, words[treaty.pk])
        if self.is_bound and SUGGEST in self.data:
            # A bound form shows what was posted, so the ticks go into the data.
            linked = set(self.data.getlist(self.add_prefix("treaties")))
            data = self.data.copy()
            data.setlist(self.add_prefix("suggested_treaties"), [
                str(m.treaty) for m in self.mentions if not m.ambiguous and str(m.treaty) not in linked
            ])
            self.data = data

    def _mentions(self) -> list[Mention]:
        if self.is_bound:
            text = [self.data.get(self.add_prefix(name), "") for name in ("title", "quote", "full_text")]
        else:
            text = [self.instance.title, self.instance.quote, self.instance.full_text]
        return treaty_matcher().mentions("\n".join(text))

    def clean_url(self):
        url = self.cleaned_data["url"]
        existing = Statement.objects.filter(url=url).exclude(pk=self.instance.pk).first()
        if existing:
            raise ValidationError(format_html(
                'A statement with this URL is already recorded: <a href="{}">{}</a>. Edit that one instead.',
                reverse("admin:treaties_statement_change", args=[existing.pk]), existing.title,
            ))
        return url

    def clean_full_text(self):
        return clean_html(self.cleaned_data["full_text"])

    def clean(self):
        cleaned = super().clean()
        if SUGGEST in self.data:
            found = len(self.mentions)
            raise ValidationError(
                f"{found} treat{'y' if found == 1 else 'ies'} suggested below; nothing is saved yet: "
                "check the ticks, then save." if found else "No treaty is named in the title, quote or text."
            )
        cleaned["treaties"] = [*cleaned.get("treaties", []), *cleaned.get("suggested_treaties", [])]
        return cleaned


def _label(treaty: Treaty, mention: Mention) -> str:
    words = ", ".join(f"“{word}”" for word in mention.words)
    shared = " (a name other treaties share: check it is this one)" if mention.ambiguous else ""
    return f"{treaty.short_name} — found {words}{shared}"


@admin.register(Statement)
class StatementAdmin(SimpleHistoryAdmin):
    formfield_overrides = HTTPS_LINKS
    form = StatementForm
    list_display = ["title", "outlet", "speaker", "when", "linked_treaties"]
    list_filter = ["precision", "language", ("treaties", admin.RelatedOnlyFieldListFilter), "outlet"]
    search_fields = ["title", "speaker", "quote", "url", "outlet"]
    autocomplete_fields = ["treaties"]
    date_hierarchy = "date"
    readonly_fields = []
    fieldsets = [
        (None, {"fields": ["title", "url", "outlet", ("date", "precision"), "date_note", ("speaker", "speaker_role"),
                           "quote", "full_text", "language"]}),
        ("Treaties", {"fields": ["treaties", "suggested_treaties"]}),
    ]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        statement = form.instance
        # Those who follow its treaties hear of it (alerts listen, and tell each subscriber once).
        if statement.treaties.exists():
            statements_linked_on_commit([statement.pk])

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("treaties")

    @admin.display(description="treaties")
    def linked_treaties(self, statement):
        return ", ".join(treaty.short_name for treaty in statement.treaties.all())
