"""One reading of the client's address, behind 0, 1 or 2 proxies, for the API's rate limit, the admin's lockout
and the subscribe limit: a client that writes its own X-Forwarded-For cannot pass for someone else, and clients
behind the same load balancer are not taken for one another."""

import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from django.urls import reverse

from tests.support.deployment_settings import settings_under
from treaties.models import Treaty
from treaties.web.client_ip import client_ip

CLIENT, OTHER_CLIENT = "203.0.113.7", "203.0.113.99"
BALANCER, CDN = "10.0.0.5", "192.0.2.50"


def through(proxies: int, client: str, spoofed: str | None = None) -> dict:
    """The request headers the app sees when `client` (who wrote X-Forwarded-For: `spoofed`) comes through
    `proxies` proxies, each appending the address it saw."""
    if proxies == 0:
        return {"REMOTE_ADDR": client, **({"HTTP_X_FORWARDED_FOR": spoofed} if spoofed else {})}
    chain = [spoofed] if spoofed else []
    chain += [client, CDN][: proxies]  # the nearest proxy (the balancer) appends the one before it
    return {"REMOTE_ADDR": BALANCER, "HTTP_X_FORWARDED_FOR": ", ".join(chain)}


def spoofed(i: int) -> str:
    return f"198.51.100.{i + 1}"


@pytest.fixture(autouse=True)
def own_cache(settings):
    # A cache of this test's own: never clear a shared one (CACHE_URL may point at a shared Redis).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": uuid.uuid4().hex},
                       "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"}}


PROXIES = pytest.mark.parametrize("proxies", [0, 1, 2])


@PROXIES
def test_the_client_is_the_address_the_nearest_trusted_proxy_saw(settings, proxies):
    settings.PROXY_COUNT = proxies
    request = RequestFactory().get("/", **through(proxies, CLIENT, spoofed="198.51.100.1, 198.51.100.2"))
    assert client_ip(request) == CLIENT


def test_without_proxies_a_forwarded_header_is_ignored(settings):
    settings.PROXY_COUNT = 0
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR=CLIENT, HTTP_X_FORWARDED_FOR="1.2.3.4")) == CLIENT


def test_behind_a_proxy_a_request_without_the_header_or_with_junk_in_it_counts_as_its_socket(settings):
    settings.PROXY_COUNT = 1
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR=BALANCER)) == BALANCER
    junk = RequestFactory().get("/", REMOTE_ADDR=BALANCER, HTTP_X_FORWARDED_FOR="'); DROP TABLE x; --")
    assert client_ip(junk) == BALANCER


@PROXIES
def test_a_new_forwarded_header_on_every_api_request_does_not_escape_the_rate_limit(db, client, settings, proxies):
    settings.PROXY_COUNT = proxies
    settings.API_RATE_LIMIT = "3/minute"
    codes = [client.get("/api/v1/parties/", HTTP_ACCEPT="application/json",
                        **through(proxies, CLIENT, spoofed(i))).status_code for i in range(4)]
    assert codes == [200, 200, 200, 429]
    other = client.get("/api/v1/parties/", HTTP_ACCEPT="application/json", **through(proxies, OTHER_CLIENT))
    assert other.status_code == 200  # the same load balancer, another client: not limited


@PROXIES
def test_five_bad_passwords_lock_out_that_client_only(db, client, settings, django_user_model, proxies):
    settings.PROXY_COUNT = proxies
    django_user_model.objects.create_superuser("editor", "editor@example.org", "right-password-123")
    for i in range(5):
        client.post("/admin/login/?next=/admin/", {"username": "editor", "password": "wrong"},
                    **through(proxies, CLIENT, spoofed(i)))
    right = {"username": "editor", "password": "right-password-123"}
    attacker = client.post("/admin/login/?next=/admin/", right, **through(proxies, CLIENT, spoofed(9)))
    assert attacker.status_code == 429  # writing another X-Forwarded-For does not lift the lockout
    editor = client.post("/admin/login/?next=/admin/", right, **through(proxies, OTHER_CLIENT))
    assert editor.status_code == 302  # the editor at another address still signs in


@PROXIES
def test_a_new_forwarded_header_on_every_subscription_does_not_escape_the_limit(db, client, settings, proxies):
    settings.PROXY_COUNT = proxies
    settings.ALERTS_SUBSCRIBE_LIMITS = {"address": (100, 3600), "client": (3, 3600)}
    treaty = Treaty.objects.create(slug="new-start", short_name="New START", name="New START",
                                   category="arms_control", kind="bilateral")

    def subscribe(address, headers):
        data = {"email": address, "treaties": [treaty.pk], "lead_days": ["7"], "time_zone": "UTC", "hour": "9",
                "digest": "immediate"}
        return client.post(reverse("alerts:subscribe"), data, **headers).status_code

    codes = [subscribe(f"r{i}@example.org", through(proxies, CLIENT, spoofed(i))) for i in range(4)]
    assert codes == [302, 302, 302, 429]
    assert subscribe("other@example.org", through(proxies, OTHER_CLIENT)) == 302


def test_behind_a_proxy_one_proxy_is_assumed_unless_told_otherwise():
    def proxy_count(**env):
        return settings_under(without=("BEHIND_PROXY", "PROXY_COUNT"), **env).PROXY_COUNT

    assert proxy_count() == 0
    assert proxy_count(BEHIND_PROXY="true") == 1
    assert proxy_count(BEHIND_PROXY="true", PROXY_COUNT="2") == 2
    with pytest.raises(ImproperlyConfigured, match="PROXY_COUNT"):
        proxy_count(PROXY_COUNT="-1")


def test_a_request_without_a_socket_address_has_no_client_address_rather_than_a_made_up_one(rf, settings):
    # A login made by code (the test client's force_login, a management command) has no REMOTE_ADDR; the
    # lockout stores the address in PostgreSQL's inet column, which refuses anything but an address.
    request = rf.get("/")
    del request.META["REMOTE_ADDR"]
    settings.PROXY_COUNT = 0
    assert client_ip(request) is None
    request.META["REMOTE_ADDR"] = "not-an-address"
    assert client_ip(request) is None
