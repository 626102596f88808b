"""What every dated row shares: a date with its precision, and the database checks on dates and links."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from ..precision import PreciseDate, Precision
from .kinds import SourceKind


def web_link_constraint(name: str, field: str) -> models.CheckConstraint:
    # Links are shown to readers as href="…": only http(s), never javascript: or data: URLs,
    # however a row was written (admin, import, feed or a script).
    return models.CheckConstraint(
        name=name,
        condition=Q(**{field: ""}) | Q(**{f"{field}__startswith": "http://"})
        | Q(**{f"{field}__startswith": "https://"}),
        violation_error_message="Links must start with http:// or https://.",
    )


def precision_constraint(name: str, field: str = "date") -> models.CheckConstraint:
    # Month- and year-precision dates are stored as their first day, so that
    # ordering and "has it started yet?" are plain date comparisons in SQL;
    # a range keeps its last possible day too, and only a range has one.
    until = f"{field}_until"
    return models.CheckConstraint(
        name=name,
        condition=Q(precision=Precision.DAY, **{f"{until}__isnull": True})
        | Q(precision=Precision.MONTH, **{f"{field}__day": 1, f"{until}__isnull": True})
        | Q(precision=Precision.YEAR, **{f"{field}__day": 1, f"{field}__month": 1, f"{until}__isnull": True})
        | Q(precision=Precision.RANGE, **{f"{until}__gt": models.F(field)}),
        violation_error_message="A month-precision date must be the 1st of its month, a year-precision date "
        "1 January, and a range must end after it starts.",
    )


class Sourced(models.Model):
    """Who vouches for a fact, and for editors only, what is left to check."""

    source_publisher = models.CharField(
        max_length=200, blank=True, help_text='Who published the source: "United Nations Treaty Collection", "TASS".'
    )
    source_kind = models.CharField(max_length=20, choices=SourceKind.choices, blank=True)
    editor_note = models.TextField(
        blank=True, help_text="For editors only, never shown to readers: what was not verified, what to check."
    )

    class Meta:
        abstract = True


class Dated(models.Model):
    """A date with its precision and source, shared by events, deadlines and statements."""

    date = models.DateField(
        help_text="For a month- or year-precision date, the first day of that month or year."
    )
    precision = models.CharField(max_length=5, choices=Precision.choices, default=Precision.DAY)
    date_until = models.DateField(
        null=True, blank=True, help_text="Only for a range: the last day the date may be."
    )
    date_note = models.TextField(
        blank=True, help_text="Where sources disagree about this date, or how it was inferred."
    )

    class Meta:
        abstract = True

    @property
    def when(self) -> PreciseDate:
        # Made once for the fields as they are: the timeline asks each of hundreds of rows several times, and a
        # PreciseDate costs more to make (it checks itself) than to compare three fields. Made again if one moved.
        fields = (self.date, self.precision, self.date_until)
        made = self.__dict__.get("_when")
        if made is None or made[0] != fields:
            made = self.__dict__["_when"] = (fields, PreciseDate(*fields))
        return made[1]

    def clean(self):
        super().clean()
        if self.date and self.precision:
            if (self.precision == Precision.RANGE) != (self.date_until is not None):
                raise ValidationError({"date_until": "Give the last possible day for a range, and only for one."})
            try:
                self.when  # noqa: B018 - validates the pair
            except ValueError:
                if self.precision == Precision.RANGE:
                    raise ValidationError({"date_until": "A range must end after it starts."}) from None
                kept = PreciseDate.truncate(self.date, self.precision)
                raise ValidationError(
                    {
                        "date": f"With {self.precision} precision, enter the first day "
                        f"({kept.value:%Y-%m-%d} for {kept})."
                    }
                ) from None
