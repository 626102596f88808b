"""What a client of the API can rely on: versioned paths, JSON errors, filters validated alike, pages, CORS."""

import pytest

from tests.support.factories import make_treaties

LISTS = ["/api/v1/treaties/", "/api/v1/parties/", "/api/v1/events/", "/api/v1/deadlines/", "/api/v1/statements/"]


def errors(response) -> dict:
    assert response["Content-Type"] == "application/json"
    return response.json()


# Paths and versions

def test_the_api_root_lists_its_versions_and_v1_links_to_every_resource(db, api):
    root = api("/api/").json()
    assert root["current"] == "v1"
    assert root["versions"] == {"v1": "http://testserver/api/v1/"}
    index = api("/api/v1/").json()
    assert set(index["resources"]) == {"treaties", "parties", "events", "deadlines", "statements", "schema", "docs"}
    assert index["licence"]["name"] == "CC BY 4.0"
    for name, url in index["resources"].items():
        assert url.startswith("http://testserver/api/v1/")
        if name != "docs":
            api(url.removeprefix("http://testserver"))


def test_the_unversioned_paths_of_before_move_permanently_to_v1_with_their_query(db, client):
    for old, new in [("/api/treaties/?status=lapsed&on=2020-01-01", "/api/v1/treaties/?status=lapsed&on=2020-01-01"),
                     ("/api/treaties/new-start/", "/api/v1/treaties/new-start/"),
                     ("/api/statements/12/", "/api/v1/statements/12/"),
                     ("/api/schema/", "/api/v1/schema/"), ("/api/docs/", "/api/v1/docs/")]:
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, new)


@pytest.mark.parametrize("debug", [False, True])
def test_every_unknown_api_path_is_a_json_404_even_in_debug(db, client, settings, debug):
    settings.DEBUG = debug
    for url in ["/api/nothing/", "/api/v1/nothing/", "/api/v2/treaties/", "/api/v1/treaties/no-such-treaty/",
                "/api/v1/statements/not-a-number/", "/api/v1/statements/999999/", "/api/v1/treaties/a/b/c/"]:
        response = client.get(url, HTTP_ACCEPT="application/json")
        assert response.status_code == 404, url
        assert errors(response)["detail"], url
    assert errors(client.post("/api/nothing/"))["detail"]


def test_a_path_without_its_trailing_slash_is_redirected_to_it(db, client):
    response = client.get("/api/v1/treaties")
    assert (response.status_code, response["Location"]) == (301, "/api/v1/treaties/")


def test_writing_to_a_read_only_resource_is_a_json_405(db, client):
    for method in ["post", "put", "patch", "delete"]:
        response = getattr(client, method)("/api/v1/treaties/", HTTP_ACCEPT="application/json")
        assert response.status_code == 405
        assert "not allowed" in errors(response)["detail"]
        assert "GET" in response["Allow"]


def test_a_server_error_under_the_api_is_json_and_still_logged(db, client, monkeypatch, caplog):
    from treaties import selectors

    def broken(**kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(selectors, "statement_search", broken)
    client.raise_request_exception = False
    response = client.get("/api/v1/statements/", HTTP_ACCEPT="application/json")
    assert response.status_code == 500
    assert errors(response) == {"detail": "Server error. It has been logged."}
    assert "RuntimeError: a bug" in caplog.text


# Filters: one way of validating them everywhere

def test_an_unknown_treaty_or_party_is_a_400_quoting_it_on_every_list(reference_data, api):
    for url, parameter in [("/api/v1/treaties/?party=atlantis", "party"),
                           ("/api/v1/events/?party=atlantis", "party"),
                           ("/api/v1/deadlines/?party=atlantis", "party"),
                           ("/api/v1/events/?treaty=atlantis", "treaty"),
                           ("/api/v1/deadlines/?treaty=atlantis", "treaty"),
                           ("/api/v1/statements/?treaty=atlantis", "treaty")]:
        messages = errors(api(url, status=400))[parameter]
        assert "“atlantis”" in messages[0], url
    assert api("/api/v1/events/?treaty=new-start&party=russia").json()["count"] > 0
    assert api("/api/v1/treaties/?party=russia").json()["count"] > 0
    assert api("/api/v1/statements/?treaty=%D0%94%D0%A1%D0%9D%D0%92").json()["count"] > 0  # an alias, ДСНВ


def test_a_date_that_is_not_yyyy_mm_dd_is_a_400_on_every_list(reference_data, api):
    for url in ["/api/v1/events/?date_from=2020-13-01", "/api/v1/deadlines/?date_to=soon",
                "/api/v1/statements/?date_from=02/01/2020", "/api/v1/events/?date_to=1%20Feb%202020",
                "/api/v1/treaties/?on=2021-02-30", "/api/v1/statements/?on=tomorrow"]:
        body = errors(api(url, status=400))
        assert set(body) & {"date_from", "date_to", "on"}, url


def test_a_reversed_date_range_is_a_400_on_every_list_that_takes_one(reference_data, api):
    for url in ["/api/v1/events/", "/api/v1/deadlines/", "/api/v1/statements/"]:
        body = errors(api(url + "?date_from=2021-01-01&date_to=2020-01-01", status=400))
        assert body == {"non_field_errors": ["“From” must be on or before “To”."]}


def test_an_empty_parameter_means_the_same_as_an_absent_one(reference_data, api):
    for url in LISTS:
        everything = api(url).json()["count"]
        empty = "treaty=&party=&kind=&date_from=&date_to=&q=&status=&page=&page_size=&on="
        assert api(f"{url}?{empty}").json()["count"] == everything


def test_deadlines_upcoming_is_true_or_false_and_nothing_else(reference_data, api):
    assert errors(api("/api/v1/deadlines/?upcoming=maybe", status=400))["upcoming"]
    upcoming = api("/api/v1/deadlines/?upcoming=true&on=2025-12-01").json()["count"]
    passed = api("/api/v1/deadlines/?upcoming=false&on=2025-12-01").json()["count"]
    assert upcoming + passed == api("/api/v1/deadlines/?on=2025-12-01").json()["count"]


# Pages

@pytest.mark.parametrize("value", ["-1", "0", "abc", "201", "1.5"])
def test_a_page_size_outside_1_to_200_is_a_400_saying_so(db, api, value):
    body = errors(api(f"/api/v1/parties/?page_size={value}", status=400))
    assert list(body) == ["page_size"]
    assert any(word in body["page_size"][0] for word in ("whole number", "greater than", "less than")), body


def test_a_page_that_is_not_a_positive_number_is_a_400_and_one_past_the_last_a_404(reference_data, api):
    for value in ["0", "-3", "last", "two"]:
        assert list(errors(api(f"/api/v1/treaties/?page={value}", status=400))) == ["page"]
    assert errors(api("/api/v1/treaties/?page=99", status=404))["detail"] == "Invalid page."


def test_pages_link_to_each_other_in_the_body_and_the_link_header(reference_data, api):
    first = api("/api/v1/events/?page_size=20&on=2020-01-01")
    body = first.json()
    assert len(body["results"]) == 20 and body["previous"] is None
    assert body["next"] == "http://testserver/api/v1/events/?on=2020-01-01&page=2&page_size=20"
    assert first["Link"] == f'<{body["next"]}>; rel="next"'
    second = api(body["next"].removeprefix("http://testserver"))
    assert second["Link"] == (f'<{second.json()["next"]}>; rel="next", '
                              '<http://testserver/api/v1/events/?on=2020-01-01&page_size=20>; rel="prev"')
    seen = [e["id"] for e in body["results"] + second.json()["results"]]
    assert len(set(seen)) == 40
    assert "Link" not in api("/api/v1/events/?page_size=200&treaty=new-start")


@pytest.mark.parametrize("count", [1, 300])
def test_filtered_lists_make_a_bounded_number_of_queries(db, client, django_assert_max_num_queries, count):
    make_treaties(count)
    for url in ["/api/v1/treaties/?page_size=200&party=them-test", "/api/v1/events/?treaty=gt-0000&party=them-test",
                "/api/v1/deadlines/?page_size=200&party=them-test&upcoming=true",
                "/api/v1/statements/?page_size=200&treaty=gt-0000"]:
        with django_assert_max_num_queries(11):  # a party's treaties are found first (`selectors._few_or_all`)
            response = client.get(url, HTTP_ACCEPT="application/json")
        assert response.status_code == 200, url


# CORS

def test_a_page_on_another_site_may_revalidate_and_read_etag_retry_after_and_link(reference_data, client):
    origin = "https://research.example.edu"
    preflight = client.options("/api/v1/treaties/", HTTP_ORIGIN=origin, HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
                               HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match")
    assert preflight.status_code == 200
    assert "if-none-match" in preflight["Access-Control-Allow-Headers"]
    response = client.get("/api/v1/treaties/", HTTP_ORIGIN=origin)
    exposed = {name.strip().lower() for name in response["Access-Control-Expose-Headers"].split(",")}
    assert exposed >= {"etag", "retry-after", "link"}
    revalidated = client.get("/api/v1/treaties/", HTTP_ORIGIN=origin, HTTP_IF_NONE_MATCH=response["ETag"])
    assert revalidated.status_code == 304 and revalidated["Access-Control-Allow-Origin"] == "*"


# The schema

def schema(client) -> dict:
    return client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()


def query_parameters(operation) -> set[str]:
    return {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}


def test_the_schema_documents_every_filter_each_list_takes_with_on_wherever_it_counts(db, client):
    from treaties.api import filters

    paths = schema(client)["paths"]
    paging = {"page", "page_size"}
    for path, form, takes_on in [("/api/v1/treaties/", filters.TreatyListFilters, True),
                                 ("/api/v1/parties/", filters.PartyListFilters, False),
                                 ("/api/v1/events/", filters.EventListFilters, True),
                                 ("/api/v1/deadlines/", filters.DeadlineListFilters, True),
                                 ("/api/v1/statements/", filters.StatementListFilters, True)]:
        expected = set(form.base_fields) | paging | ({"on"} if takes_on else set())
        assert query_parameters(paths[path]["get"]) == expected, path
    assert query_parameters(paths["/api/v1/treaties/{slug}/"]["get"]) == {"on"}
    assert set(paths) == {"/api/v1/", "/api/v1/treaties/", "/api/v1/treaties/{slug}/", "/api/v1/parties/",
                          "/api/v1/events/", "/api/v1/deadlines/", "/api/v1/statements/",
                          "/api/v1/statements/{id}/"}


def test_the_schema_gives_the_datas_licence_and_the_headers_clients_build_on(db, client):
    document = schema(client)
    assert document["info"]["license"] == {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}
    treaties = document["paths"]["/api/v1/treaties/"]["get"]["responses"]
    assert set(treaties["200"]["headers"]) == {"ETag", "Link"}
    assert set(treaties["429"]["headers"]) == {"Retry-After"}


def test_a_filter_given_twice_or_a_blank_slug_is_a_400_not_a_guess(reference_data, api):
    assert errors(api("/api/v1/deadlines/?upcoming=false&upcoming=true", status=400)) == {
        "upcoming": ["Give this parameter once."]}
    assert list(errors(api("/api/v1/treaties/new-start/?on=2020-01-01&on=2021-01-01", status=400))) == ["on"]
    assert list(errors(api("/api/v1/events/?page=1&page=2", status=400))) == ["page"]
    assert list(errors(api("/api/v1/events/?treaty=+", status=400))) == ["treaty"]
