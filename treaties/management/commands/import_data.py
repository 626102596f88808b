import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from treaties.transfer.formats import too_large
from treaties.transfer.imports import data_import, import_limits


class Command(BaseCommand):
    help = (
        "Import parties, treaties, aliases, events, deadlines and statements from CSV, JSON or ZIP files "
        "(or folders of them). Any bad record fails the whole import and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, metavar="FILE")
        parser.add_argument("--dry-run", action="store_true", help="Check and report what would change; write nothing.")
        parser.add_argument("--user", help="Username to record in the history as the one who imported.")

    def handle(self, *args, paths, dry_run, user, **options):
        paths = _expand(paths)
        # Refused before reading: a file past the limit would be read whole into memory first.
        limits = import_limits()
        oversized = [problem for path in paths if (problem := too_large(str(path), path.stat().st_size, limits))]
        for problem in oversized:
            self.stderr.write(str(problem))
        if oversized:
            raise CommandError(f"Import failed with {len(oversized)} problem(s); nothing was written.")
        files = [(str(path), path.read_bytes()) for path in paths]
        if user:
            try:
                user = get_user_model().objects.get_by_natural_key(user)
            except get_user_model().DoesNotExist:
                raise CommandError(f"No user named {user!r}.") from None
        report = data_import(files=files, dry_run=dry_run, user=user, progress=self._progress)
        for problem in report.problems:
            self.stderr.write(str(problem))
        if not report.ok:
            raise CommandError(f"Import failed with {len(report.problems)} problem(s); nothing was written.")
        for line in report.summary():
            self.stdout.write(line)
        if dry_run:
            self.stdout.write(self.style.WARNING("Dry run: nothing was written."))
        else:
            self.stdout.write(f"derived deadlines changed on {report.deadlines_refreshed} treaties")
            self.stdout.write(self.style.SUCCESS("Imported."))

    def _progress(self, stage, kind, done, total):
        # On stderr, so that the report on stdout stays clean; on a terminal, one line that counts up.
        line = f"{stage} {kind}: {done:,}/{total:,}"
        if sys.stderr.isatty():
            self.stderr.write(f"\r{line}", ending="" if done < total else "\n", style_func=str)
        else:
            self.stderr.write(line)


def _expand(paths: list[Path]) -> list[Path]:
    files = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.suffix.lower() in (".csv", ".json", ".zip"))
        elif path.exists():
            files.append(path)
        else:
            raise CommandError(f"{path}: no such file.")
    return files
