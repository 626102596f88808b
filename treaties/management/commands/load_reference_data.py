from pathlib import Path

from django.core.management.base import BaseCommand

from treaties.reference_data import DATASET, load_reference_data


class Command(BaseCommand):
    help = "Load the shipped treaties, events and statements; safe to run again (updates in place)."

    def add_arguments(self, parser):
        parser.add_argument("--path", type=Path, default=DATASET, help="Dataset file (default: the shipped one).")

    def handle(self, *args, path, **options):
        counts = load_reference_data(path)
        for label, count in sorted(counts.items()):
            self.stdout.write(f"{label}: {count}")
        self.stdout.write(self.style.SUCCESS("Reference data loaded."))
