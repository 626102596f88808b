"""Servers a test starts for itself, on a free port in a folder of its own, so that it may restart or kill
them: a fault drill never touches the machine's own Redis or PostgreSQL.

A missing binary goes through `require`: skipped with the reason locally, a failure under CI=true.
"""

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg
import redis

from tests.support.services import free_port, require


def _wait_for(condition, timeout: float, message: str, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {message}\n{log.read_text(errors='replace') if log.exists() else ''}")


class RedisServer:
    """`redis-server` keeping nothing on disk, as the drills' Redis restart must lose the queue."""

    def __init__(self):
        binary = shutil.which("redis-server")
        require("redis-server", binary is not None, "install Redis (Debian: apt-get install redis-server)")
        self.binary = binary
        self.folder = Path(tempfile.mkdtemp(prefix="drill-redis-"))
        self.log = self.folder / "redis.log"
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.client = redis.Redis(host="127.0.0.1", port=self.port)
        self.process = None

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [self.binary, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no",
                 "--dir", str(self.folder)],
                stdout=log, stderr=subprocess.STDOUT, cwd=self.folder,
            )
        _wait_for(self._answers, 20, f"redis-server on port {self.port}", self.log)

    def run_id(self) -> str:
        """Changes each time the server starts: proof that a restart happened."""
        return self.client.info("server")["run_id"]

    def restart(self) -> None:
        """Stop without saving (everything queued is gone) and start again on the same port."""
        with contextlib.suppress(redis.exceptions.ConnectionError):  # it hangs up as it stops
            self.client.shutdown(nosave=True)
        self.process.wait(timeout=20)
        self.start()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.client.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _answers(self) -> bool:
        try:
            return self.client.ping()
        except redis.exceptions.ConnectionError:
            return False


def postgres_binaries() -> Path | None:
    """Where initdb and pg_ctl are: on the PATH, or Debian's /usr/lib/postgresql/<version>/bin (newest)."""
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        return Path(on_path).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    return Path(versions[-1]).parent if versions else None


class PostgresCluster:
    """A PostgreSQL cluster of its own (initdb + pg_ctl) in a temporary folder, trusting local connections.

    PostgreSQL refuses to run as root, so as root it runs as the `postgres` user, in a folder that user owns."""

    user = "postgres"  # the database superuser initdb creates, whoever runs it

    def __init__(self):
        self.bin = postgres_binaries()
        require("PostgreSQL's initdb and pg_ctl", self.bin is not None,
                "install PostgreSQL (Debian: apt-get install postgresql)")
        self.run_as = []
        owner = None
        if os.geteuid() == 0:
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                owner = None
            require("an unprivileged `postgres` user and runuser (PostgreSQL will not run as root)",
                    owner is not None and shutil.which("runuser") is not None)
            self.run_as = ["runuser", "-u", owner.pw_name, "--"]
        # Not under pytest's tmp_path: as root that is private to root, and the postgres user could not enter it.
        self.folder = Path(tempfile.mkdtemp(prefix="drill-postgres-"))
        if owner is not None:
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
        self.data = self.folder / "data"
        self.log = self.folder / "postgres.log"
        self.port = free_port()
        self._pg(["initdb", "--pgdata", str(self.data), "--username", self.user, "--auth", "trust",
                  "--encoding", "UTF8", "--locale", "C", "--no-sync"])

    def start(self) -> None:
        self._pg_ctl("start")

    def restart(self) -> None:
        """A fast shutdown (every connection is cut, as in a real restart) and a start on the same port."""
        self._pg_ctl("restart", "--mode", "fast")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._pg(["pg_ctl", "--pgdata", str(self.data), "--wait", "stop", "--mode", "immediate"], check=False)
        shutil.rmtree(self.folder, ignore_errors=True)

    def create_database(self, name: str) -> None:
        with psycopg.connect(**self.connection("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')

    def copy_database(self, source: dict, name: str) -> None:
        """A new database `name` holding what the database at `source` (a server's host, port, user and dbname)
        holds, schema and rows, as pg_dump writes them out and psql reads them back in."""
        dump = self._client(["pg_dump", "--no-owner", "--no-privileges", *self._address(source)],
                            password=source.get("password", ""))
        self.create_database(name)
        self._client(["psql", "--quiet", "--set", "ON_ERROR_STOP=1", *self._address(self.connection(name))],
                     stdin=dump)

    def started_at(self):
        """pg_postmaster_start_time(): changes each time the server starts, proof that a restart happened."""
        with psycopg.connect(**self.connection("postgres")) as conn:
            return conn.execute("SELECT pg_postmaster_start_time()").fetchone()[0]

    def connection(self, database: str) -> dict:
        return {"host": "127.0.0.1", "port": self.port, "user": self.user, "dbname": database}

    @staticmethod
    def _address(database: dict) -> list[str]:
        return ["--host", database["host"], "--port", str(database["port"]), "--username", database["user"],
                "--dbname", database["dbname"]]

    def _client(self, command: list[str], stdin: str | None = None, password: str = "") -> str:
        """pg_dump or psql, this cluster's own version, as whoever runs the tests (a client needs no folder)."""
        env = {**os.environ, "PGPASSWORD": password} if password else None
        result = subprocess.run([str(self.bin / command[0]), *command[1:]], input=stdin, capture_output=True,
                                text=True, timeout=120, env=env)
        if result.returncode != 0:
            raise AssertionError(f"{command[0]} failed:\n{result.stderr}")
        return result.stdout

    def _pg_ctl(self, *action: str) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder}"
        self._pg(["pg_ctl", "--pgdata", str(self.data), "--log", str(self.log), "--options", options, "--wait",
                  "--timeout", "60", *action])

    def _pg(self, command: list[str], check: bool = True) -> None:
        result = subprocess.run([*self.run_as, str(self.bin / command[0]), *command[1:]], cwd=self.folder,
                                capture_output=True, text=True, timeout=120)
        if check and result.returncode != 0:
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            raise AssertionError(f"{' '.join(command[:2])} failed:\n{result.stdout}{result.stderr}{log}")
