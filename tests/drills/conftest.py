"""Fault drills restart and kill servers, so each starts its own: a Redis, and on PostgreSQL a cluster, on free
ports in temporary folders. Nothing here may stop, restart or flush the machine's services."""

import pytest
from django.db import connection

from tests.support.alerts_harness import redis_broker
from tests.support.private_servers import PostgresCluster, RedisServer


@pytest.fixture
def redis_server():
    server = RedisServer()
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def broker(settings, redis_server):
    """The alerts' broker, on this drill's own Redis rather than the machine's."""
    with redis_broker(settings, redis_server.url) as each:
        yield each


@pytest.fixture
def postgres_cluster(transactional_db):
    """The test database moved, for one drill, to a PostgreSQL cluster of its own that it may restart.

    Workers started during the drill are given the same database (`database_url()` reads these settings)."""
    cluster = PostgresCluster()
    moved = ("HOST", "PORT", "NAME", "USER")
    saved = {key: connection.settings_dict[key] for key in moved}
    try:
        cluster.start()
        # The test database's schema and what it holds now, copied over rather than migrated again: the drill's
        # setup (initdb and start included) took 9.6 s with a migrate, 1.2 s with the copy.
        cluster.copy_database({"host": saved["HOST"] or "127.0.0.1", "port": saved["PORT"] or 5432,
                               "user": saved["USER"] or "postgres", "dbname": saved["NAME"],
                               "password": saved.get("PASSWORD") or ""}, "drill")
        connection.close()
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(cluster.port), NAME="drill", USER=cluster.user)
        yield cluster
    finally:
        connection.close()
        connection.settings_dict.update(saved)
        cluster.stop()
