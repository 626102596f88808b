import pytest


@pytest.fixture
def api(client):
    """GET a URL as a JSON client would, asserting the status it should answer."""
    def get(url, status=200, **headers):
        response = client.get(url, HTTP_ACCEPT="application/json", **headers)
        assert response.status_code == status, response.content[:500]
        return response
    return get
