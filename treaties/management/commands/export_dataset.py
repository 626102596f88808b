import io
import zipfile
from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from treaties import versions
from treaties.dataset import package


class Command(BaseCommand):
    help = ("Write the whole record as the Frictionless Data package served at /data/: a folder holding "
            "datapackage.json and one CSV per table, a .zip of them, or the one-file .json.")

    def add_arguments(self, parser):
        parser.add_argument("output", type=Path, help="A folder, a FILE.zip or a FILE.json.")

    def handle(self, *args, output, **options):
        built = package.build(versions.current(), timezone.localdate())
        if output.suffix.lower() == ".zip":
            output.write_bytes(built.archive)
        elif output.suffix.lower() == ".json":
            output.write_bytes(built.one_file)
        else:
            output.mkdir(parents=True, exist_ok=True)
            with zipfile.ZipFile(io.BytesIO(built.archive)) as archive:
                archive.extractall(output)
        self.stderr.write(f"Version {built.version.number} of the record (statuses for {built.status_on}) "
                          f"written to {output}.")
