import datetime as dt
import re

from django.urls import reverse

from treaties.models import Statement, Treaty, TreatyAlias

ADD = "admin:treaties_statement_add"
STATEMENT = {
    "title": "Россия и США: что будет после ДСНВ",
    "url": "https://example.org/after-dsnv",
    "outlet": "Example",
    "date": "2026-02",
    "precision": "month",
    "quote": "New START expired; the NPT review conference meets in April.",
    "full_text": "",
}


def ticked(page: str) -> set[str]:
    """The treaties whose suggestion checkbox is ticked on the page."""
    inputs = re.findall(r'<input type="checkbox" name="suggested_treaties" value="(\d+)"[^>]*>', page)
    checked = re.findall(r'<input type="checkbox" name="suggested_treaties" value="(\d+)"[^>]*checked[^>]*>', page)
    assert set(checked) <= set(inputs)
    return {Treaty.objects.get(pk=pk).slug for pk in checked}


def test_suggest_ticks_the_treaties_the_text_names_and_saves_nothing(editor_client, reference_data):
    response = editor_client.post(reverse(ADD), {**STATEMENT, "date": "2026-02-01", "_suggest": "1"})

    page = response.content.decode()
    assert response.status_code == 200
    assert ticked(page) == {"new-start", "npt"}
    assert "New START — found “ДСНВ”, “New START”" in page
    assert "2 treaties suggested below; nothing is saved yet" in page
    assert not Statement.objects.filter(url=STATEMENT["url"]).exists()


def test_saving_with_the_suggestions_ticked_links_the_treaties(editor_client, reference_data):
    new_start, npt = Treaty.objects.get(slug="new-start"), Treaty.objects.get(slug="npt")
    data = {**STATEMENT, "date": "2026-02-01", "suggested_treaties": [new_start.pk, npt.pk], "_save": "Save"}

    response = editor_client.post(reverse(ADD), data)

    assert response.status_code == 302
    statement = Statement.objects.get(url=STATEMENT["url"])
    assert set(statement.treaties.all()) == {new_start, npt}
    assert statement.history.get().history_user.username == "editor"


def test_a_treaty_already_linked_is_not_ticked_again(editor_client, reference_data):
    new_start = Treaty.objects.get(slug="new-start")
    data = {**STATEMENT, "date": "2026-02-01", "treaties": [new_start.pk], "_suggest": "1"}
    page = editor_client.post(reverse(ADD), data).content.decode()
    assert ticked(page) == {"npt"}


def test_a_name_two_treaties_share_is_suggested_but_not_ticked(editor_client, reference_data):
    for slug in ("start-ii", "new-start"):  # START I has it already
        TreatyAlias.objects.create(treaty=Treaty.objects.get(slug=slug), name="START")
    data = {**STATEMENT, "title": "START and its legacy", "quote": "", "date": "2026-02-01", "_suggest": "1"}

    page = editor_client.post(reverse(ADD), data).content.decode()

    assert ticked(page) == set()
    assert "a name other treaties share" in page


def test_a_duplicate_url_is_refused_with_a_link_to_the_statement_already_recorded(editor_client, reference_data):
    existing = Statement.objects.get(url="https://tass.com/politics/1608067")
    data = {**STATEMENT, "url": existing.url, "date": "2026-02-01", "_save": "Save"}

    page = editor_client.post(reverse(ADD), data).content.decode()

    link = reverse("admin:treaties_statement_change", args=[existing.pk])
    assert f'A statement with this URL is already recorded: <a href="{link}">' in page
    assert Statement.objects.filter(url=existing.url).count() == 1


def test_untrusted_html_in_the_text_is_cleaned_on_saving(editor_client, db):
    text = '<p onclick="steal()">Said <a href="javascript:steal()">this</a>.</p><script>steal()</script>'
    data = {**STATEMENT, "date": "2026-02-01", "full_text": text, "_save": "Save"}

    editor_client.post(reverse(ADD), data)

    assert Statement.objects.get().full_text == '<p>Said <a rel="noopener noreferrer nofollow">this</a>.</p>'


def test_the_public_page_shows_statement_text_as_cleaned_html_only(client, db):
    statement = Statement.objects.create(
        title="Raw", outlet="Example", url="https://example.org/raw", date=dt.date(2026, 2, 1),
        # Stored without the admin, e.g. from the shell: the page must clean it all the same.
        full_text="<p>Kept <em>emphasis</em></p><script>alert('x')</script>\n\nAT&T",
    )

    page = client.get(reverse("treaties:statement", args=[statement.pk])).content.decode()

    assert "<p>Kept <em>emphasis</em></p>" in page
    assert "<script>alert" not in page
    assert "AT&amp;T" in page and "&amp;amp;" not in page


def test_the_change_page_suggests_from_the_stored_text(editor_client, reference_data):
    statement = Statement.objects.get(url="https://tass.com/politics/1608067")
    page = editor_client.get(reverse("admin:treaties_statement_change", args=[statement.pk])).content.decode()
    assert "New START — found “New START”" in page
