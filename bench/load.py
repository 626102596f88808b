"""Load test: the public pages and the API, 32 concurrent connections for 60 s, on the large dataset.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_pages .venv/bin/python bench/load.py

Needs the dataset `bench/pages.py` generates (run that first) and wrk (apt-get install wrk).
Loopback only; stops by itself. Prints the figures for docs/benchmarks.md.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PATHS = [
    "/", "/treaties/", "/treaties/?status=lapsed", "/treaties/?q=START&sort=name", "/treaties/new-start/",
    "/treaties/bt-4321/", "/statements/?speaker=Speaker+42", "/parties/russia/", "/timeline/?category=environment",
    "/api/v1/treaties/", "/api/v1/treaties/new-start/", "/api/v1/deadlines/?upcoming=true",
    "/api/v1/statements/?outlet=TASS",
    "/treaties/new-start/calendar.ics", "/statements/feed/",
]
# wrk takes one URL; this script makes each connection walk the list, and counts non-2xx answers.
LUA = """
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8932)
    args = parser.parse_args()
    # As in production: one cache shared by the web processes (calendars are built once, not per process).
    env = {"CACHE_URL": "redis://127.0.0.1:6379/5", **os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings",
           "API_RATE_LIMIT": "1000000/minute",
           "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-" + "x" * 50)}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "tracker.wsgi", "--bind", f"127.0.0.1:{args.port}", "--workers",
         str(args.workers), "--log-level", "warning"], cwd=ROOT, env=env,
    )
    try:
        time.sleep(3)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(LUA % ", ".join(f'"{p}"' for p in PATHS))
        out = subprocess.run(
            ["wrk", "-t", "2", "-c", str(args.connections), "-d", f"{args.seconds}s", "--latency", "--timeout", "10s",
             "-s", script.name, f"http://127.0.0.1:{args.port}"],
            capture_output=True, text=True, check=True,
        ).stdout
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    print(f"non-2xx: {errors.group(1) if errors else 0}; "
          f"socket errors: {socket_errors.group(1) if socket_errors else 'none'}")


if __name__ == "__main__":
    main()
