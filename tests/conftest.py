import os
import uuid

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.db.models import Q
from django.test import override_settings
from pytest_django.plugin import blocking_manager_key

from tests.support import test_databases
from tests.support.alerts_harness import broker, smtp, worker  # noqa: F401 - fixtures for alerts tests and drills
from tests.support.browser import browser  # noqa: F401 - a fixture for tests in a real Chromium
from tests.support.reference_snapshot import SharedDataset, restore
from tests.support.services import require_redis
from treaties import versions

# What makes pytest-django run a test as a TransactionTestCase, whose writes are committed.
COMMITTING_FIXTURES = {"transactional_db", "live_server", "django_db_reset_sequences", "django_db_serialized_rollback"}


def shares_the_dataset(request) -> bool:
    """Whether a test runs inside the shared dataset's transaction: it asks for the dataset and commits nothing."""
    if "reference_data" not in request.fixturenames or COMMITTING_FIXTURES & set(request.fixturenames):
        return False
    marker = request.node.get_closest_marker("django_db")
    return not (marker and (marker.kwargs.get("transaction") or marker.args[:1] == (True,)))


def needs_a_database(item) -> bool:
    return bool(item.get_closest_marker("django_db") or {"db", *COMMITTING_FIXTURES} & set(item.fixturenames))


def pytest_collection_modifyitems(items):
    # Tests that need no database first: xdist hands each process a third of this order, so the first process
    # starts on them while another migrates the template database every process copies (6–10 s, in which the
    # others used to wait). Then the fault drills, together: xdist's first split puts them in one process's share,
    # which reaches them early, after those quick tests, and runs them one after another, mostly waiting on the
    # servers they restart while the other processes keep the cores busy (when xdist rebalances, it moves tests
    # from the back of a queue, by then long past them). Tests that ask for the dataset last, one after another,
    # so the shared one is opened a few times per process, not per test. (A stable sort: the order within each
    # group is unchanged, and the same in every xdist process.)
    items.sort(key=lambda item: (needs_a_database(item), item.get_closest_marker("drill") is None,
                                 "reference_data" in item.fixturenames))


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    # The production hasher spends a third of a second of CPU per password on purpose; every editor a test
    # logs in would pay it. No test is about the hash's strength (Django's own advice for test settings).
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """This process's own connections do not wait for the disk at each commit (migrations, flushes after
    committing tests, data loads). Nothing here survives the test run, and a commit is seen by every other
    connection the moment it returns either way; only a crash of the machine could lose it. Workers and servers
    the tests start open their own connections with the usual settings."""
    from django.db import connection

    options = connection.settings_dict.setdefault("OPTIONS", {})
    if connection.vendor == "postgresql":
        options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()
    else:
        options["init_command"] = f"{options.get('init_command', '')};PRAGMA synchronous=OFF"


@pytest.fixture(scope="session")
def run_folder(tmp_path_factory):
    """The folder the processes of an xdist run share (None outside one): xdist gives each process a folder
    inside it."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return None
    return tmp_path_factory.getbasetemp().parent


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_modify_db_settings, django_db_blocker, run_folder):
    """pytest-django's, except that the processes of an xdist run copy one database the run migrates once
    (tests/support/test_databases.py) instead of each migrating its own."""
    if not run_folder or not uses_a_database(request.session):
        yield request.getfixturevalue("django_db_setup")
        return
    with django_db_blocker.unblock():
        original = test_databases.create(os.environ["PYTEST_XDIST_WORKER"], run_folder)
    yield
    with django_db_blocker.unblock():
        test_databases.destroy(original)


@pytest.hookimpl(trylast=True)  # after xdist's own, which waits for every process to finish
def pytest_sessionfinish(session):
    """The controller of an xdist run drops the template database its processes copied, passed or failed."""
    config = session.config
    if config.pluginmanager.has_plugin("dsession"):  # the controller; its processes' folders are inside its own
        with config.stash[blocking_manager_key].unblock():  # (a hook has no `tmp_path_factory` fixture)
            test_databases.drop_template(config._tmp_path_factory.getbasetemp())


@pytest.fixture(scope="session")
def _flush_by_delete():
    """After each committing test pytest-django empties every table with Django's flush. On PostgreSQL that is
    one TRUNCATE of every table, which makes new files for each table and index: 0.6 s for 45 tables holding a
    few rows, against 0.03 s for a DELETE of each (the foreign keys checked once, at commit). Same empty tables."""
    from django.db import connection

    if connection.vendor != "postgresql":
        yield
        return
    truncate = connection.ops.sql_flush

    def sql_flush(style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or not tables:
            return truncate(style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        return ["SET CONSTRAINTS ALL DEFERRED", *(f"DELETE FROM {connection.ops.quote_name(t)}" for t in tables)]

    connection.ops.sql_flush = sql_flush
    yield
    del connection.ops.sql_flush


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: tests roll back, so two of them may reach the same record version
    (the reference data is restored with its version row), and settings differ between them."""
    from django.core.cache import caches

    for alias in ("default", "pages"):
        caches[alias].clear()


@pytest.fixture
def pages_in_redis(settings):
    """Pages cached in the machine's Redis, as in production, so that the record's version is published there on
    commit (`treaties.versions`). Yields the client the version is published with. A prefix of this test's own:
    xdist runs several at once on the same Redis database, and a Redis cache is never cleared (that would empty
    the machine's database)."""
    prefix = f"test-pages-{uuid.uuid4().hex}"
    settings.CACHES = {**settings.CACHES, "pages": {"BACKEND": "tracker.redis_cache.RedisCache",
                                                     "LOCATION": require_redis(), "KEY_PREFIX": prefix}}
    store = versions._published_store()
    yield store
    if keys := list(store.scan_iter(f"{prefix}:*")):
        store.delete(*keys)


@pytest.fixture(scope="session")
def shared_dataset(django_db_setup, django_db_blocker, run_folder):
    dataset = SharedDataset(run_folder)
    yield dataset
    with django_db_blocker.unblock():
        dataset.close()


@pytest.fixture
def _django_db_helper(request, shared_dataset, django_db_blocker, _flush_by_delete, _test_database_dropped,
                      editors_permissions):
    """pytest-django's per-test transaction (or flush), with the shared dataset opened around it or closed first.

    Every database test passes through here, whether it asks for `db`, `transactional_db` or the marker; so the
    session's database fixtures are asked for here, not for every test: a test without a database then never
    waits for one to be made."""
    with django_db_blocker.unblock():
        if shares_the_dataset(request):
            shared_dataset.open()
        else:
            shared_dataset.close()
    # The plugin's own fixture of the same name: its transaction opens inside the shared one.
    yield request.getfixturevalue("_django_db_helper")


@pytest.fixture
def reference_data(db, shared_dataset):
    """The shipped dataset, as `make run` loads it. Tests asking for it share one copy (see
    tests/support/reference_snapshot.py); one that commits gets its own, removed after it."""
    if not shared_dataset.is_open:
        restore(shared_dataset.rows)


def uses_a_database(session) -> bool:
    """Whether pytest-django made a test database for this run: some test collected in it uses one."""
    return any(needs_a_database(item) for item in session.items)


@pytest.fixture(scope="session")
def _test_database_dropped(django_db_setup, django_db_blocker):
    """The test database (PostgreSQL) is dropped at the end even where a live server's request thread still holds
    a connection to it: the browser kept its HTTP connection alive, so the thread had not yet closed its own. The
    drop then failed and left the database behind. Only this run's test database is touched, never the one
    the settings name."""
    yield
    from django.db import connection
    from django.db.backends.base.creation import TEST_DATABASE_PREFIX

    name = connection.settings_dict["NAME"]  # the test database's
    if connection.vendor != "postgresql" or not name.startswith(TEST_DATABASE_PREFIX):
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
                       "AND pid <> pg_backend_pid()", [name])


@pytest.fixture(scope="session")
def editors_permissions(django_db_setup, django_db_blocker) -> list[tuple[str, str]]:
    """What the migrations grant the "Editors" group, read from the database as they left it, before any
    database test (`_django_db_helper` asks for it).

    A committing test ends with a flush, which removes the group with every other row; an `editor` after it
    must still be exactly what the migrations make."""
    with django_db_blocker.unblock():
        group = Group.objects.get(name="Editors")
        return list(group.permissions.values_list("content_type__app_label", "codename"))


@pytest.fixture
def editor(db, editors_permissions):
    """A staff member in the "Editors" group the migrations create, and nothing more."""
    group, flushed = Group.objects.get_or_create(name="Editors")
    if flushed:
        granted = Q()
        for app_label, codename in editors_permissions:
            granted |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.set(Permission.objects.filter(granted))
        assert group.permissions.count() == len(editors_permissions)
    user = User.objects.create_user("editor", password="x", is_staff=True)
    user.groups.add(group)
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


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
