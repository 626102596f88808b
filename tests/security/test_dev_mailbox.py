"""The development mailbox (DEBUG only) shows the emails the file backend wrote, and no other file: not with
another backend, not outside the mail folder however the name is written."""

import pytest
from django.http import Http404
from django.test import RequestFactory

from alerts import views
from tests.support.deployment_settings import settings_under

FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
MESSAGE = "Subject: Confirm your alerts\nFrom: a@example.org\nTo: b@example.org\n\nHello.\n" + "-" * 79 + "\n"
SECRET = "Subject: SECRET_KEY=do-not-show\n\nDATABASE_URL=postgres://user:hunter2@db/x\n"


@pytest.fixture
def checkout(tmp_path, settings):
    """A checkout with a .env beside the mail folder, which holds one message; DEBUG on, email to files."""
    (tmp_path / ".env").write_text(SECRET)
    (tmp_path / "secret.log").write_text(SECRET)
    mail = tmp_path / "var" / "mail"
    mail.mkdir(parents=True)
    (mail / "20260101-120000-1.log").write_text(MESSAGE)
    settings.DEBUG = True
    settings.EMAIL_BACKEND = FILE_BACKEND
    settings.EMAIL_FILE_PATH = str(mail)
    return tmp_path


def shows_secret(response) -> bool:
    return b"hunter2" in response.content or b"do-not-show" in response.content


def test_the_mailbox_shows_what_the_file_backend_wrote(client, checkout):
    assert b"Confirm your alerts" in client.get("/dev/mailbox/").content
    assert b"Hello." in client.get("/dev/mailbox/20260101-120000-1.log/0/").content


def test_with_an_smtp_backend_there_is_no_mailbox_even_when_a_mail_folder_is_set(client, checkout, settings):
    # The reported case: an SMTP EMAIL_URL left EMAIL_FILE_PATH pointing at the checkout, which holds .env.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_FILE_PATH = str(checkout)
    assert client.get("/dev/mailbox/").status_code == 404
    for name in (".env", "secret.log"):
        response = client.get(f"/dev/mailbox/{name}/0/")
        assert response.status_code == 404 and not shows_secret(response), name


def test_an_smtp_email_url_leaves_no_mail_folder_in_the_settings():
    assert settings_under(EMAIL_URL="smtp://127.0.0.1:25").EMAIL_FILE_PATH == ""


def test_a_file_in_the_mail_folder_that_is_not_a_message_file_is_not_shown(client, checkout):
    (checkout / "var" / "mail" / ".env").write_text(SECRET)
    (checkout / "var" / "mail" / "notes.txt").write_text(SECRET)
    for name in (".env", "notes.txt"):
        response = client.get(f"/dev/mailbox/{name}/0/")
        assert response.status_code == 404 and not shows_secret(response), name


@pytest.mark.parametrize("path", [
    "/dev/mailbox/../secret.log/0/",
    "/dev/mailbox/..%2Fsecret.log/0/",
    "/dev/mailbox/%2e%2e%2fsecret.log/0/",
    "/dev/mailbox/%252e%252e%252fsecret.log/0/",
    "/dev/mailbox/..%5Csecret.log/0/",
    "/dev/mailbox/%2Fetc%2Fpasswd/0/",
    "/dev/mailbox//etc/hostname.log/0/",
])
def test_a_name_that_leads_out_of_the_mail_folder_is_refused_however_it_is_encoded(client, checkout, path):
    response = client.get(path)
    assert response.status_code == 404 and not shows_secret(response)


@pytest.mark.parametrize("name", ["../secret.log", "../../secret.log", "..\\secret.log", "..", "."])
def test_the_view_itself_refuses_names_the_url_could_not_carry(checkout, name):
    with pytest.raises(Http404):
        views.dev_mail(RequestFactory().get("/"), name=name, index=0)


def test_the_view_itself_refuses_an_absolute_path(checkout):
    with pytest.raises(Http404):
        views.dev_mail(RequestFactory().get("/"), name=str(checkout / "secret.log"), index=0)


def test_a_symlink_in_the_mail_folder_is_neither_listed_nor_followed(client, checkout):
    mail = checkout / "var" / "mail"
    (mail / "leak.log").symlink_to(checkout / "secret.log")
    (mail / "dotenv.log").symlink_to(checkout / ".env")
    listing = client.get("/dev/mailbox/")
    assert listing.status_code == 200 and not shows_secret(listing)
    for name in ("leak.log", "dotenv.log"):
        response = client.get(f"/dev/mailbox/{name}/0/")
        assert response.status_code == 404 and not shows_secret(response), name


def test_a_mail_folder_that_is_itself_a_symlink_still_works(client, checkout, settings, tmp_path_factory):
    link = tmp_path_factory.mktemp("elsewhere") / "mail"
    link.symlink_to(checkout / "var" / "mail")
    settings.EMAIL_FILE_PATH = str(link)
    assert b"Hello." in client.get("/dev/mailbox/20260101-120000-1.log/0/").content
