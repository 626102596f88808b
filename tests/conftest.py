
import pytest
from django.contrib.auth.models import Group, User

from tests.support import reference_snapshot
from tests.support.alerts_harness import broker, smtp, worker  # noqa: F401 - fixtures for alerts tests and drills


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: tests roll back, so two of them may reach the same record version
    (the reference data is restored with its version row), and settings differ between them."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session")
def reference_rows(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return reference_snapshot.take()


@pytest.fixture
def reference_data(db, reference_rows):
    """The shipped dataset, as `make run` loads it (loaded once per process, copied in for each test)."""
    reference_snapshot.restore(reference_rows)


@pytest.fixture
def editor(db):
    """A staff member in the "Editors" group the migrations create, and nothing more."""
    user = User.objects.create_user("editor", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def reference_data_once(db, reference_rows):
    """The shipped dataset for property-based tests, whose examples share one test's transaction."""
    from treaties.models import Treaty

    if not Treaty.objects.exists():
        reference_snapshot.restore(reference_rows)


@pytest.fixture(scope="session")
def running_feed_server():
    from tests.support.feeds.server import FeedServer

    with FeedServer() as server:
        yield server


@pytest.fixture
def private_addresses_allowed(settings):
    """Feeds may be fetched from 127.0.0.1, where the feed server listens; the guard refuses it otherwise."""
    settings.FEEDS_ALLOW_PRIVATE_ADDRESSES = True


@pytest.fixture
def feed_server(running_feed_server):
    """A real HTTP server on 127.0.0.1 serving what a test puts there (tests/support/feeds/server.py)."""
    running_feed_server.reset()
    return running_feed_server
