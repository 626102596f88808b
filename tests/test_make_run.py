"""`make run` as a reader starts it: `PORT=… make run` serves the site on that port, with links that follow it."""

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.support.services import require

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.services
def test_make_run_serves_on_the_port_it_is_given(tmp_path):
    require("make and the installed .venv", (ROOT / ".venv" / ".installed").exists(), "run `make install`")
    port = free_port()
    env = {**os.environ, "PORT": str(port), "DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}",
           "CELERY_BROKER_DIR": str(tmp_path / "celery"), "EMAIL_URL": f"filemail://{tmp_path / 'mail'}"}
    env.pop("SITE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    run = subprocess.Popen(["make", "-s", "run"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/treaties/new-start/", timeout=5) as page:
                    body = page.read().decode()
                break
            except OSError:
                assert run.poll() is None, run.stdout.read().decode()[-3000:]
                assert time.monotonic() < deadline, "make run did not serve within 3 minutes"
                time.sleep(1)
        assert "New START" in body
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt", timeout=5) as robots:
            assert f"Sitemap: http://127.0.0.1:{port}/sitemap.xml" in robots.read().decode()
    finally:
        os.killpg(run.pid, signal.SIGINT)
        try:
            run.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(run.pid, signal.SIGKILL)
