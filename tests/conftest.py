import io

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command


@pytest.fixture
def reference_data(db):
    """The shipped dataset, loaded as `make run` loads it."""
    call_command("load_reference_data", stdout=io.StringIO())


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


@pytest.fixture(scope="session")
def running_feed_server():
    from tests.feeds.server import FeedServer

    with FeedServer() as server:
        yield server


@pytest.fixture
def feed_server(running_feed_server):
    """A real HTTP server on 127.0.0.1 serving what a test puts there (tests/feeds/server.py)."""
    running_feed_server.reset()
    return running_feed_server
