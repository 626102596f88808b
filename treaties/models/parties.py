from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords


class Party(models.Model):
    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(
        max_length=100, blank=True, help_text='How it reads in a sentence: "Russia", "the United States".'
    )
    slug = models.SlugField(max_length=100, unique=True)
    iso_code = models.CharField(
        "ISO 3166 code",
        max_length=4,
        blank=True,
        help_text="ISO 3166-1 alpha-2 (US, RU); ISO 3166-3 for former states (SUHH); blank if none.",
    )
    is_organisation = models.BooleanField(default=False)
    note = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "parties"
        constraints = [
            models.UniqueConstraint(
                fields=["iso_code"], condition=~Q(iso_code=""), name="party_iso_code_unique"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("treaties:party", args=[self.slug])

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def clean(self):
        super().clean()
        if self.iso_code and not (self.iso_code.isalpha() and self.iso_code.isupper()):
            raise ValidationError({"iso_code": "Use capital letters only, e.g. US, RU, SUHH."})
