import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def start(**env):
    environment = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ALLOWED_HOSTS", "DEBUG")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=environment, capture_output=True, text=True
    )


def test_with_debug_off_it_refuses_to_start_without_a_real_secret_key():
    result = start(DEBUG="false", ALLOWED_HOSTS="treaties.example.org")
    assert result.returncode != 0
    assert "set SECRET_KEY" in result.stderr


def test_with_debug_off_it_refuses_to_start_without_allowed_hosts():
    result = start(DEBUG="false", SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "set ALLOWED_HOSTS" in result.stderr


def test_with_debug_off_and_both_set_it_starts():
    result = start(DEBUG="false", SECRET_KEY="k" * 50, ALLOWED_HOSTS="treaties.example.org")
    assert result.returncode == 0, result.stderr


def test_with_nothing_set_it_runs_on_the_embedded_defaults():
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "EMAIL_URL", "DEBUG")}
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.EMAIL_BACKEND, s.EMAIL_FILE_PATH)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            env={**environment, "DJANGO_SETTINGS_MODULE": "tracker.settings"})
    engine, broker, backend, mail_dir = result.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert broker == "filesystem://"
    assert backend == "django.core.mail.backends.filebased.EmailBackend"
    assert mail_dir == str(ROOT / "var" / "mail")


def test_database_broker_and_email_move_with_their_urls():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tracker.settings",
           "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test", "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
           "EMAIL_URL": "smtp://127.0.0.1:2525"}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env=env)
    assert result.stdout.split() == ["django.db.backends.postgresql", "redis://127.0.0.1:6379/0",
                                     "django.core.mail.backends.smtp.EmailBackend", "127.0.0.1", "2525"]
