"""Rotating SECRET_KEY keeps the links already sent working while the old key is listed as a fallback; HSTS
preloading is only asked of browsers when the operator asks for it."""

import pytest
from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.urls import reverse

from alerts import signed_links
from alerts.models import Subscription
from tests.support.deployment_settings import PRODUCTION, settings_under

OLD_KEY = "old-key-" + "o" * 50
NEW_KEY = "new-key-" + "n" * 50
ROTATED = {**PRODUCTION, "SECRET_KEY": NEW_KEY}  # a production deployment after the rotation
KEYS = ("SECRET_KEY", "SECRET_KEY_FALLBACKS", "DEBUG", "SECURE_HSTS_PRELOAD")


def keys_from(**env) -> override_settings:
    """The keys a deployment with this environment signs and checks with."""
    s = settings_under(without=KEYS, **env)
    return override_settings(SECRET_KEY=s.SECRET_KEY, SECRET_KEY_FALLBACKS=s.SECRET_KEY_FALLBACKS)


def test_a_link_signed_with_the_old_key_still_opens_after_rotation_through_the_environment():
    salt = signed_links.MANAGE_SALT
    with keys_from(SECRET_KEY=OLD_KEY):
        token = signing.dumps({"id": 7, "k": "x"}, salt=salt)
    with keys_from(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=f"{OLD_KEY},{'older-' + 'x' * 50}"):
        assert signing.loads(token, salt=salt) == {"id": 7, "k": "x"}
    with keys_from(SECRET_KEY=NEW_KEY), pytest.raises(signing.BadSignature):
        signing.loads(token, salt=salt)


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
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY_FALLBACKS"):
        settings_under(without=KEYS, **ROTATED, SECRET_KEY_FALLBACKS="short-old-key")


def test_hsts_preload_is_off_unless_asked_for():
    for asked, preload in ({}, False), ({"SECURE_HSTS_PRELOAD": "true"}, True):
        s = settings_under(without=KEYS, **ROTATED, **asked)
        assert s.SECURE_HSTS_SECONDS == 31536000
        assert s.SECURE_HSTS_PRELOAD is preload

