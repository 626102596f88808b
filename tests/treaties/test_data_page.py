"""The Data page, the licence files and CITATION.cff say the same things: what the data's and the code's licences
are, what to call the dataset and whom to credit, and which version a reader is citing."""

from pathlib import Path

import pytest
import yaml

from treaties import versions
from treaties.dataset import package
from treaties.models import Treaty

ROOT = Path(__file__).resolve().parents[2]


def test_citation_cff_names_the_same_dataset_licence_and_authors_as_the_package():
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["cff-version"] == "1.2.0" and citation["type"] == "dataset"
    assert citation["title"] == citation["preferred-citation"]["title"] == package.TITLE
    assert citation["license"] == citation["preferred-citation"]["license"] == package.DATA_LICENCE["name"]
    assert [author["name"] for author in citation["authors"]] == [package.AUTHOR]


def test_the_licence_files_are_mit_for_the_code_and_cc_by_4_for_the_data():
    code = (ROOT / "LICENSE").read_text(encoding="utf-8")
    data = (ROOT / "LICENSE-DATA").read_text(encoding="utf-8")
    assert code.startswith(f"{package.CODE_LICENCE['title']}\n") and package.AUTHOR in code
    assert package.DATA_LICENCE["title"] in data and package.DATA_LICENCE["path"] in data
    assert "Attribution — You must give appropriate credit" in data or "Section 3 – License Conditions" in data


@pytest.mark.django_db
def test_the_data_page_gives_the_downloads_the_licences_and_a_citation_of_this_version(reference_data, client):
    page = client.get("/data/").content.decode()
    version = versions.current()
    for address in ("/data/treaty-tracker.zip", "/data/treaty-tracker.json", "/data/datapackage.json",
                    "/data/events.csv", "/treaties.csv", "/events.csv"):
        assert f'href="{address}"' in page
    assert f'href="{package.DATA_LICENCE["path"]}" rel="license"' in page
    assert f'href="{package.CODE_LICENCE["path"]}"' in page and "MIT License" in page
    assert f"version {version.number} of" in page and package.TITLE in page and package.AUTHOR in page
    assert f"version = {{{version.number}}}" in page  # the BibTeX


@pytest.mark.django_db
def test_the_data_page_lists_what_changed_in_the_record_newest_first_and_never_who(reference_data, editor, client):
    editor.username, editor.email = "zqeditor7", "zqeditor7@example.org"
    editor.save()
    treaty = Treaty.objects.get(slug="new-start")
    treaty.short_name = "New START (renamed)"
    treaty._history_user = editor
    treaty.save()
    page = client.get("/data/").content.decode()
    changes = page[page.index('id="changes-h"'):]
    assert '<a href="/treaties/new-start/">New START (renamed): Renamed from New START to New START (renamed)</a>' \
        in changes and "By an editor" in changes
    assert changes.index("New START (renamed)") < changes.index("</ol>")
    assert treaty.history.first().history_user == editor
    assert editor.username not in page and editor.email not in page
