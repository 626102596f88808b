"""Long lists count exactly only up to a limit, and say so past it; the pages still page."""

from treaties import pagination


def test_past_the_limit_the_statements_page_says_or_more_and_still_pages(reference_data, client, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_LIMIT", 30)
    page = client.get("/statements/").content.decode()
    assert "30 or more statements found" in page
    assert "Page 1 of 2" in page and client.get("/statements/?page=2").status_code == 200


def test_within_the_limit_the_count_is_exact(reference_data, client):
    page = client.get("/statements/?q=vacuum").content.decode()
    assert "2 statements found" in page and "or more" not in page


def test_the_api_says_whether_its_count_is_exact(reference_data, client, monkeypatch):
    exact = client.get("/api/v1/statements/", HTTP_ACCEPT="application/json").json()
    assert exact["count_exact"] is True and exact["count"] > 30
    monkeypatch.setattr(pagination, "COUNT_LIMIT", 30)
    capped = client.get("/api/v1/statements/?page_size=10", HTTP_ACCEPT="application/json").json()
    assert (capped["count"], capped["count_exact"]) == (30, False) and capped["next"]


def test_past_the_limit_the_last_page_says_how_to_reach_the_rest(reference_data, client, monkeypatch):
    """The timeline (like every list) pages through the first rows only; its last page says so."""
    monkeypatch.setattr(pagination, "COUNT_LIMIT", 40)
    page = client.get("/timeline/").content.decode()
    assert "Page 1 of 1" in page and "Pages go as far as the first 40; narrow the list to reach the rest." in page
    assert "narrow the list" not in client.get("/timeline/?category=trade").content.decode()
