import datetime as dt
import zoneinfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from alerts.scan import reminders_scan

SHOWN = 50


class Command(BaseCommand):
    help = "Record the reminders that are due and queue their emails: the beat task's scan, run now."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Scan as at the end of this day (YYYY-MM-DD) in the site's time zone; "
                                            "a day still to come only with --dry-run.")
        parser.add_argument("--dry-run", action="store_true", help="Show what would be queued; record nothing.")

    def handle(self, *args, today=None, dry_run=False, **options):
        now = None
        if today:
            try:
                day = dt.date.fromisoformat(today)
            except ValueError:
                raise CommandError(f"--today {today!r}: use YYYY-MM-DD.") from None
            now = dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))
            # Recording is for real: reminders recorded for a day to come would go out now, days early.
            if now > timezone.now() and not dry_run:
                if day > timezone.localdate():
                    raise CommandError(f"--today {today} is still to come: add --dry-run to see what would be "
                                       "sent then. A real scan records only what is due now.")
                now = timezone.now()  # today: what is due so far, not what falls due later today
        result = reminders_scan(now=now, dry_run=dry_run, describe=SHOWN)
        recorded, queued = ("would record", "would queue") if dry_run else ("recorded", "queued")
        self.stdout.write(f"Scan at {result.now:%Y-%m-%d %H:%M %Z}: {recorded} {result.reminders} reminder(s) and "
                          f"{result.changes} deadline-changed notice(s); {queued} {len(result.queued)} "
                          f"email(s) and {len(result.digests)} digest(s).")
        for line in result.described:
            self.stdout.write(f"  {line}")
        if len(result.queued) + len(result.digests) > len(result.described):
            self.stdout.write(f"  … and {len(result.queued) + len(result.digests) - len(result.described)} more.")
