"""The W3C Nu HTML checker (npm vnu-jar, pinned in package-lock.json) finds no error in any page type's HTML."""

import json
import shutil
import subprocess
import urllib.error
import urllib.request

import pytest

from tests.pages.public_pages import NODE_MODULES, report, server_error_html
from tests.support.services import require

VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"


def served_html(url: str) -> str:
    """The page as the server sends it (error pages included), before any script runs."""
    try:
        response = urllib.request.urlopen(url)
    except urllib.error.HTTPError as error:
        response = error
    return response.read().decode()


@pytest.mark.services
def test_the_nu_html_checker_finds_no_error_on_any_page(site, tmp_path):
    require("Java", shutil.which("java") is not None, "apt-get install openjdk-17-jre-headless")
    require("vnu-jar", VNU.exists(), "npm ci")
    files = {tmp_path / "server-error.html": "/server-error/ (templates/500.html)"}
    (tmp_path / "server-error.html").write_text(server_error_html())
    for page_type in site.pages:
        file = tmp_path / f"{page_type.name}.html"
        file.write_text(served_html(site.url + page_type.path))
        files[file] = page_type.path
    # One run for every file: the JVM takes seconds to start. For a run this short, the JIT's optimising tier
    # costs more CPU than it saves (5.3 s of CPU to 2.9 s here); code compiled only by the first tier needs a
    # deeper stack than the checker's schema walk finds by default.
    checked = subprocess.run(["java", "-XX:TieredStopAtLevel=1", "-Xss8m", "-jar", str(VNU), "--errors-only",
                              "--format", "json", "--stdout", *map(str, files)],
                             capture_output=True, text=True, timeout=300)
    errors = {}
    for message in json.loads(checked.stdout)["messages"]:
        # A message about no file (the checker could not read one, say) counts against the whole run.
        page = next((path for file, path in files.items() if message.get("url", "").endswith("/" + file.name)),
                    "the checker")
        errors.setdefault(page, []).append(f"line {message.get('lastLine')}: {message['message']}")
    assert not errors, report(errors)
    assert checked.returncode == 0, checked.stderr
