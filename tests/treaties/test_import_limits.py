"""How much an import reads: files past a size, ZIPs that unpack to too much or hold too many files, and ZIPs
inside ZIPs are refused with a message saying which file and what to do, and nothing is written."""

import io
import struct
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as examples
from hypothesis import strategies as st

from treaties.models import Party
from treaties.transfer.formats import Limits, read_file
from treaties.transfer.imports import data_import

PARTIES = b"slug,name\nfrance,France\nchina,China\n"


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def padded_parties(size: int) -> bytes:
    """A real parties file of about `size` bytes: one long note that compresses to almost nothing."""
    return b"slug,name,note\nfrance,France," + b"x" * size + b"\n"


def problems_of(files) -> list[str]:
    report = data_import(files=files)
    assert not report.ok
    assert not Party.objects.exists()
    return [str(problem) for problem in report.problems]


@pytest.fixture
def small_limits(settings):
    settings.IMPORT_MAX_FILE_BYTES = 10_000
    settings.IMPORT_MAX_UNPACKED_BYTES = 25_000
    settings.IMPORT_MAX_ZIP_MEMBERS = 3


def test_a_zip_within_the_limits_imports(db, small_limits):
    report = data_import(files=[("data.zip", zipped({"parties.csv": PARTIES}))])
    assert report.ok, report.problems
    assert Party.objects.count() == 2


def test_a_file_past_the_size_limit_is_refused_saying_how_big_each_may_be(db, small_limits):
    [problem] = problems_of([("parties.csv", padded_parties(20_000))])
    assert problem == ("parties.csv: The file is 20,030 bytes; an import reads files of up to 10,000 bytes. "
                       "Split it into smaller files of the same kind.")


def test_a_small_zip_that_unpacks_past_the_limit_is_refused_before_it_is_unpacked(db, small_limits):
    bomb = zipped({f"parties-{n}.csv": padded_parties(9_000) for n in range(3)})
    assert len(bomb) < 2_000
    problems = problems_of([("bomb.zip", bomb)])
    assert problems == ["bomb.zip: The ZIP unpacks to 27,090 bytes; an import unpacks up to 25,000 bytes. "
                        "Import it in parts."]


def test_one_member_past_the_file_limit_is_refused_by_name(db, small_limits):
    problems = problems_of([("data.zip", zipped({"parties.csv": PARTIES, "events.csv": padded_parties(12_000)}))])
    assert problems == ["data.zip/events.csv: The file is 12,030 bytes; an import reads files of up to "
                        "10,000 bytes. Split it into smaller files of the same kind."]


def test_a_zip_whose_directory_understates_a_size_is_caught_while_unpacking(db, small_limits):
    forged = bytearray(zipped({"parties.csv": padded_parties(50_000)}))
    # Claim 100 bytes unpacked, in the local header (offset 22) and the central directory (offset 24).
    local, central = forged.find(b"PK\x03\x04"), forged.find(b"PK\x01\x02")
    forged[local + 22:local + 26] = struct.pack("<I", 100)
    forged[central + 24:central + 28] = struct.pack("<I", 100)
    [problem] = problems_of([("forged.zip", bytes(forged))])
    assert problem.startswith("forged.zip/parties.csv: ")


def test_a_zip_with_too_many_files_is_refused(db, small_limits):
    members = {f"parties-{n}.csv": PARTIES for n in range(4)}
    assert problems_of([("many.zip", zipped(members))]) == [
        "many.zip: The ZIP holds 4 files; an import reads up to 3. Import it in parts."
    ]


def test_a_zip_inside_a_zip_is_refused_naming_the_member(db):
    inner = zipped({"parties.csv": PARTIES})
    problems = problems_of([("outer.zip", zipped({"parties.csv": PARTIES, "more/inner.zip": inner}))])
    assert problems == ["outer.zip/more/inner.zip: A ZIP inside a ZIP is not read: unpack it and import its files, "
                        "or put them in the outer ZIP."]


def test_a_zip_inside_a_zip_under_another_name_is_refused_too(db):
    inner = zipped({"parties.csv": PARTIES})
    [problem] = problems_of([("outer.zip", zipped({"parties.csv": inner}))])
    assert problem.startswith("outer.zip/parties.csv: A ZIP inside a ZIP is not read")


def test_the_command_refuses_a_file_past_the_limit_before_reading_it(db, small_limits, tmp_path):
    path = tmp_path / "parties.csv"
    path.write_bytes(padded_parties(20_000))
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_data", str(path), stdout=io.StringIO(), stderr=err)
    assert f"{path}: The file is 20,030 bytes; an import reads files of up to 10,000 bytes." in err.getvalue()
    assert not Party.objects.exists()


def test_the_admin_refuses_an_upload_past_the_limit(editor_client, small_limits):
    upload = SimpleUploadedFile("parties.csv", padded_parties(20_000), content_type="text/csv")
    response = editor_client.post(reverse("admin:treaties_import"), {"files": [upload]})
    page = response.content.decode()
    assert "parties.csv: The file is 20,030 bytes; an import reads files of up to 10,000 bytes." in page
    assert not Party.objects.exists()


def test_megabytes_are_said_in_megabytes(db, settings):
    settings.IMPORT_MAX_FILE_BYTES = 100_000
    [problem] = problems_of([("parties.csv", padded_parties(2_500_000))])
    assert "The file is 2.5 MB; an import reads files of up to 0.1 MB." in problem


@examples(max_examples=300, deadline=None)
@given(damage=st.lists(st.tuples(st.integers(min_value=0), st.integers(min_value=0, max_value=255)),
                       min_size=1, max_size=4))
def test_a_damaged_zip_is_read_or_refused_with_a_message_never_crashes(damage):
    archive = bytearray(zipped({"parties.csv": PARTIES * 20, "events.csv": b"treaty,kind\n"}))
    for position, value in damage:
        archive[position % len(archive)] = value
    reading = read_file("damaged.zip", bytes(archive), Limits())
    assert all(str(problem) for problem in reading.problems)
