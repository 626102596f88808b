from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from feeds.entries import NotAFeed
from feeds.models import FeedSource, FetchStatus
from feeds.sources import feed_fetch, feed_file_ingest, feeds_due


class Command(BaseCommand):
    help = (
        "Fetch the feed sources that are due, now, in this process (what the beat task does through workers). "
        "--source fetches one source whether due or not; --file reads a saved feed instead of fetching."
    )

    def add_arguments(self, parser):
        parser.add_argument("--source", type=int, metavar="ID", help="Only this feed source, due or not.")
        parser.add_argument("--file", type=Path, metavar="PATH",
                            help="Read the feed from this file (statements credited to --source if given).")

    def handle(self, *args, source=None, file=None, **options):
        feed_source = None
        if source is not None:
            feed_source = FeedSource.objects.filter(pk=source).first()
            if feed_source is None:
                raise CommandError(f"There is no feed source with id {source}.")
        if file is not None:
            try:
                ingest = feed_file_ingest(path=file, source=feed_source)
            except (OSError, NotAFeed) as error:
                raise CommandError(f"{file}: {error}") from None
            self.stdout.write(f"{file}: {ingest.summary()}")
            return
        failed = 0
        for source_id in [source] if source is not None else feeds_due():
            fetched = feed_fetch(source_id=source_id, force=source is not None)
            if fetched is None:
                self.stdout.write(f"#{source_id}: being fetched by another worker; skipped.")
                continue
            failed += fetched.last_status == FetchStatus.FAILED
            detail = fetched.last_error if fetched.last_status == FetchStatus.FAILED else fetched.last_result
            self.stdout.write(f"{fetched.name}: {fetched.get_last_status_display()}. {detail}".rstrip())
        if failed:
            raise CommandError(f"{failed} feed source(s) failed; see above.")
