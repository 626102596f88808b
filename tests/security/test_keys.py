"""Rotating SECRET_KEY keeps the links already sent working while the old key is listed as a fallback; HSTS
preloading is only asked of browsers when the operator asks for it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from alerts import signed_links
from alerts.models import Subscription

ROOT = Path(__file__).resolve().parents[2]
OLD_KEY = "old-key-" + "o" * 50
NEW_KEY = "new-key-" + "n" * 50
PRODUCTION = {"DEBUG": "false", "ALLOWED_HOSTS": "treaties.example.org"}


def run(code: str, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("SECRET_KEY", "SECRET_KEY_FALLBACKS", "DEBUG", "SECURE_HSTS_PRELOAD")}
    return subprocess.run([sys.executable, "-c", "import django; django.setup(); " + code], cwd=ROOT,
                          capture_output=True, text=True,
                          env={**environment, "DJANGO_SETTINGS_MODULE": "tracker.settings", **env})


def test_a_link_signed_with_the_old_key_still_opens_after_rotation_through_the_environment():
    salt = signed_links.MANAGE_SALT
    sign = f"from django.core import signing; print(signing.dumps({{'id': 7, 'k': 'x'}}, salt={salt!r}))"
    token = run(sign, SECRET_KEY=OLD_KEY).stdout.strip()
    assert token
    check = f"from django.core import signing; print(signing.loads({token!r}, salt={salt!r}))"
    rotated = run(check, SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=f"{OLD_KEY},{'older-' + 'x' * 50}")
    assert rotated.stdout.strip() == "{'id': 7, 'k': 'x'}", rotated.stderr
    forgotten = run(check, SECRET_KEY=NEW_KEY)
    assert "BadSignature" in forgotten.stderr


@pytest.mark.django_db
def test_a_subscriber_link_from_before_the_rotation_opens_the_page(client, settings):
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = OLD_KEY, []
    subscription = Subscription.objects.create(email="reader@example.org", confirmed_at="2026-01-01T00:00Z",
                                               time_zone="UTC", lead_mask=1)
    path = reverse("alerts:subscription_manage",
                   args=[signed_links.subscription_token(subscription, salt=signed_links.MANAGE_SALT)])
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, [OLD_KEY]
    assert client.get(path).status_code == 200
    settings.SECRET_KEY_FALLBACKS = []  # once the old key is dropped, its links stop working
    assert client.get(path).status_code == 404


def test_with_debug_off_a_weak_fallback_key_refuses_to_start():
    result = run("", **PRODUCTION, SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS="short-old-key")
    assert result.returncode != 0
    assert "SECRET_KEY_FALLBACKS" in result.stderr


def test_hsts_preload_is_off_unless_asked_for():
    show = "from django.conf import settings as s; print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_PRELOAD)"
    assert run(show, **PRODUCTION, SECRET_KEY=NEW_KEY).stdout.split() == ["31536000", "False"]
    assert run(show, **PRODUCTION, SECRET_KEY=NEW_KEY, SECURE_HSTS_PRELOAD="true").stdout.split() == \
        ["31536000", "True"]


def test_check_deploy_stays_clean_with_or_without_preload():
    for preload in ("false", "true"):
        result = subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], cwd=ROOT,
            capture_output=True, text=True,
            env={**os.environ, **PRODUCTION, "SECRET_KEY": NEW_KEY, "SECURE_HSTS_PRELOAD": preload},
        )
        assert result.returncode == 0, result.stdout + result.stderr
