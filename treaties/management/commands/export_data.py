from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from treaties.transfer.exports import export_csv, export_csv_zip, export_json


class Command(BaseCommand):
    help = "Export parties, treaties, aliases, events, editor-entered deadlines and statements in the import format."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["csv", "json"], default="json")
        parser.add_argument(
            "--output", type=Path,
            help="JSON: a file (default: standard output). CSV: a folder for one file per kind, or a .zip file.",
        )

    def handle(self, *args, format, output, **options):
        if format == "json":
            if output:
                output.write_text(export_json(), encoding="utf-8")
            else:
                self.stdout.write(export_json(), ending="")
        elif output is None:
            raise CommandError("CSV makes one file per kind: give --output FOLDER or --output FILE.zip.")
        elif output.suffix.lower() == ".zip":
            output.write_bytes(export_csv_zip())
        else:
            output.mkdir(parents=True, exist_ok=True)
            for name, text in export_csv().items():
                (output / name).write_text(text, encoding="utf-8")
        if output:
            self.stderr.write(f"Exported to {output}.")
