"""What search engines and mistyped addresses meet: robots.txt, the sitemap, and the site's own 404 page."""

import xml.etree.ElementTree as ET

import pytest

from treaties.models import Statement, Treaty

pytestmark = pytest.mark.django_db
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def test_robots_txt_keeps_crawlers_off_the_admin_signed_links_and_as_of_copies(client):
    response = client.get("/robots.txt")
    body = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    assert "Disallow: /admin/" in body and "Disallow: /alerts/manage/" in body and "Disallow: /*?*on=" in body
    assert "Disallow: /alerts/\n" not in body  # the subscribe page is for everyone
    assert "Sitemap: http://testserver/sitemap.xml" in body


def test_the_sitemap_lists_every_treaty_party_and_statement(reference_data, client):
    index = ET.fromstring(client.get("/sitemap.xml").content)
    urls = []
    for section in index.findall("sm:sitemap/sm:loc", NS):
        response = client.get(section.text.replace("http://testserver", ""))
        assert response.status_code == 200
        urls += [loc.text for loc in ET.fromstring(response.content).findall("sm:url/sm:loc", NS)]
    assert "http://testserver/treaties/new-start/" in urls and "http://testserver/parties/russia/" in urls
    assert sum("/treaties/" in u and u.count("/") == 5 for u in urls) == Treaty.objects.count()
    assert sum("/statements/" in u and u.rstrip("/").split("/")[-1].isdigit() for u in urls) == \
        Statement.objects.count()
    for url in urls[::25]:  # a sample of each kind of page answers
        assert client.get(url.replace("http://testserver", "")).status_code == 200, url


@pytest.mark.parametrize("debug", [True, False])
def test_an_unknown_address_gets_the_sites_own_404_even_with_debug_on(client, settings, debug):
    settings.DEBUG = debug
    response = client.get("/no-such-page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in body and "list of treaties" in body
    assert "URLconf" not in body and "Using the URLconf" not in body
    missing = client.get("/treaties/no-such-treaty/")
    assert missing.status_code == 404 and "Page not found" in missing.content.decode()
