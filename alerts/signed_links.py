"""Signed links a subscriber receives by email, and the absolute URLs emails carry.

Confirm links expire; manage and unsubscribe links do not, but each carries the
subscription's secret, so changing the secret revokes every link sent before.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.crypto import constant_time_compare

from .models import Subscription

CONFIRM_SALT = "treaties.subscription.confirm"
MANAGE_SALT = "treaties.subscription.manage"
# Its own salt: the unsubscribe link travels in a mail header that scanners read, and must not
# also open the page where the subscriber's choices and private calendar are.
UNSUBSCRIBE_SALT = "treaties.subscription.unsubscribe"
CALENDAR_SALT = "treaties.subscription.calendar"


class BadLink(Exception):
    """The link was altered, has expired, was revoked, or its subscription is gone."""


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def subscription_token(subscription: Subscription, *, salt: str) -> str:
    return signing.dumps({"id": subscription.pk, "k": subscription.secret}, salt=salt)


def subscription_from_token(token: str, *, salt: str, max_age: int | None = None) -> Subscription:
    try:
        payload = signing.loads(token, salt=salt, max_age=max_age)
        subscription = Subscription.objects.get(pk=payload["id"])
    except (signing.BadSignature, Subscription.DoesNotExist, KeyError, TypeError) as error:
        raise BadLink(str(error)) from None
    if not constant_time_compare(str(payload.get("k", "")), subscription.secret):
        raise BadLink("revoked")
    return subscription


def _signed_url(subscription: Subscription, *, salt: str, view: str) -> str:
    return absolute(reverse(f"alerts:{view}", args=[subscription_token(subscription, salt=salt)]))


def confirm_url(subscription: Subscription) -> str:
    return _signed_url(subscription, salt=CONFIRM_SALT, view="subscription_confirm")


def manage_url(subscription: Subscription) -> str:
    return _signed_url(subscription, salt=MANAGE_SALT, view="subscription_manage")


def unsubscribe_url(subscription: Subscription) -> str:
    return _signed_url(subscription, salt=UNSUBSCRIBE_SALT, view="unsubscribe")


def calendar_url(subscription: Subscription) -> str:
    """The subscriber's private calendar of what they follow; revoked with the other links."""
    return _signed_url(subscription, salt=CALENDAR_SALT, view="subscription_calendar")
