from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.support.deployment_settings import settings_under

ROOT = Path(__file__).resolve().parents[2]
UNSET = ("SECRET_KEY", "ALLOWED_HOSTS", "DEBUG")


def test_with_debug_off_it_refuses_to_start_without_a_real_secret_key():
    with pytest.raises(ImproperlyConfigured, match="set SECRET_KEY"):
        settings_under(without=UNSET, DEBUG="false", ALLOWED_HOSTS="treaties.example.org")


def test_with_debug_off_it_refuses_to_start_without_allowed_hosts():
    with pytest.raises(ImproperlyConfigured, match="set ALLOWED_HOSTS"):
        settings_under(without=UNSET, DEBUG="false", SECRET_KEY="x" * 50)


def test_with_debug_off_and_both_set_it_starts():
    # (tests/security/test_production.py starts it so for real: `manage.py check --deploy` in a process of its own.)
    s = settings_under(without=UNSET, DEBUG="false", SECRET_KEY="k" * 50, ALLOWED_HOSTS="treaties.example.org")
    assert not s.DEBUG and s.ALLOWED_HOSTS == ["treaties.example.org"]


def test_with_nothing_set_it_runs_on_the_embedded_defaults():
    s = settings_under(without=("DATABASE_URL", "CELERY_BROKER_URL", "EMAIL_URL", "DEBUG"))
    assert s.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert s.CELERY_BROKER_URL == "filesystem://"
    assert s.EMAIL_BACKEND == "django.core.mail.backends.filebased.EmailBackend"
    assert Path(s.EMAIL_FILE_PATH) == ROOT / "var" / "mail"


def test_database_broker_and_email_move_with_their_urls():
    s = settings_under(DATABASE_URL="postgres://postgres@127.0.0.1:5432/test",
                       CELERY_BROKER_URL="redis://127.0.0.1:6379/0", EMAIL_URL="smtp://127.0.0.1:2525")
    assert [s.DATABASES["default"]["ENGINE"], s.CELERY_BROKER_URL, s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT] == \
        ["django.db.backends.postgresql", "redis://127.0.0.1:6379/0", "django.core.mail.backends.smtp.EmailBackend",
         "127.0.0.1", 2525]
