"""The entry page as a reviewer and an officer read it (a user trial): the
decision on a submitted report under its status as well as after the
figures, the last period named only when it has figures, and the people of
the history by name."""

import re

import pytest
from django.urls import reverse

from treem.reporting import actions
from treem.core.models import AuditEntry
from treem.reporting.models import Period, Submission, SubmissionEvent

from .conftest import client_for, make_user
from .reporting_helpers import forms, pl6, y2023  # noqa: F401

pytestmark = pytest.mark.django_db


def entry_url(form, period, unit_):
    return reverse("reporting:entry", args=[form.code, period.code, unit_.pk])


def submitted(user, form, period, values):
    submission = actions.open_submission(user, form, user.unit, period)
    assert [p for p in actions.save_values(user, submission, values) if p.is_error] == []
    return actions.submit(user, submission)


def top_bar(page):
    """The review bar's form, as the page draws it."""
    found = re.search(r'<form method="post" class="review-bar".*?</form>', page, re.S)
    return found.group(0) if found else ""


def test_the_reviewer_finds_approve_and_return_before_the_table(client, commune_officer, coordinator, pl6, y2023):
    submitted(commune_officer, pl6, y2023, {("PL6_II_4", "total"): "5"})
    url = entry_url(pl6, y2023, commune_officer.unit)
    page = client_for(client, coordinator).get(url).content.decode()
    table = page.index('<table class="entry">')
    approves = [m.start() for m in re.finditer(r'name="action" value="approve"', page)]
    returns = [m.start() for m in re.finditer(r'name="action" value="return"', page)]
    # Under the status, before the 291 cells of a large form, and again after them.
    assert len(approves) == 2 and approves[0] < table < approves[1]
    assert len(returns) == 2 and returns[0] < table < returns[1]
    assert page.index("Phê duyệt") < table
    bar = top_bar(page)
    assert "csrfmiddlewaretoken" in bar and page.index(bar) < table
    # The comment box is revealed by "Return…" (a <details>), and asked for by the browser…
    assert "<details" in bar and "<summary>" in bar
    assert re.search(r'<textarea id="return_comment_top" name="return_comment"[^>]*required', bar)
    # …but not to approve.
    assert re.search(r'value="approve"[^>]*formnovalidate', bar)
    # Both comment boxes are labelled, with ids of their own.
    assert 'for="return_comment_top"' in bar and 'for="return_comment"' in page
    assert page.count('id="return_comment"') == 1 and page.count('id="return_comment_top"') == 1


def test_a_return_from_the_top_needs_its_comment_and_keeps_it(client, commune_officer, coordinator, pl6, y2023):
    submission = submitted(commune_officer, pl6, y2023, {("PL6_II_4", "total"): "5"})
    url = entry_url(pl6, y2023, commune_officer.unit)
    client_for(client, coordinator)
    # What the bar's form posts: its comment box is named as the one at the end.
    assert 'name="return_comment"' in top_bar(client.get(url).content.decode())
    page = client.post(url, {"action": "return", "return_comment": "   "}).content.decode()
    assert "Say why the report is returned." in page or "trả lại" in page.lower()
    submission.refresh_from_db()
    assert submission.status == "submitted"
    assert client.post(url, {"action": "return", "return_comment": "Thiếu số trẻ khuyết tật"}).status_code == 302
    submission.refresh_from_db()
    assert (submission.status, submission.return_comment) == ("returned", "Thiếu số trẻ khuyết tật")
    # Decided: no bar any more, nor for the commune, which corrects it.
    assert top_bar(client.get(url).content.decode()) == ""
    assert top_bar(client_for(client, commune_officer).get(url).content.decode()) == ""


def test_approve_from_the_top(client, commune_officer, coordinator, pl6, y2023):
    submission = submitted(commune_officer, pl6, y2023, {("PL6_II_4", "total"): "5"})
    url = entry_url(pl6, y2023, commune_officer.unit)
    client_for(client, coordinator)
    assert 'value="approve"' in top_bar(client.get(url).content.decode())
    assert client.post(url, {"action": "approve"}).status_code == 302
    submission.refresh_from_db()
    assert (submission.status, submission.decided_by) == ("approved", coordinator)


def test_the_reviewer_may_say_a_word_on_approval_and_the_history_keeps_it(client, commune_officer, coordinator, pl6,
                                                                         y2023):
    submitted(commune_officer, pl6, y2023, {("PL6_II_4", "total"): "5"})
    url = entry_url(pl6, y2023, commune_officer.unit)
    client_for(client, coordinator)
    assert 'name="approve_comment"' in top_bar(client.get(url).content.decode())
    client.post(url, {"action": "approve", "approve_comment": "  Số liệu khớp với sổ theo dõi.  "})
    event = SubmissionEvent.objects.get(action="approved")
    assert event.comment == "Số liệu khớp với sổ theo dõi."
    assert AuditEntry.objects.get(action="reporting.approved").detail["comment"] == "Số liệu khớp với sổ theo dõi."
    history = re.search(r'<ul class="history">.*?</ul>', client_for(client, commune_officer).get(url).content.decode(),
                        re.S).group(0)
    assert "Số liệu khớp với sổ theo dõi." in history  # the commune reads it too


def test_no_bar_for_those_who_do_not_decide(client, commune_officer, viewer, pl6, y2023):
    submitted(commune_officer, pl6, y2023, {("PL6_II_4", "total"): "5"})
    url = entry_url(pl6, y2023, commune_officer.unit)
    for user in (commune_officer, viewer):
        page = client_for(client, user).get(url).content.decode()
        assert top_bar(page) == "" and 'value="approve"' not in page


def test_last_period_is_named_only_with_its_figures(client, commune_officer, coordinator, pl6, y2023):
    y2022 = Period.objects.get(code="2022")
    url = entry_url(pl6, y2023, commune_officer.unit)
    client_for(client, commune_officer)
    page = client.get(url).content.decode()
    assert "Kỳ trước" not in page and "Năm 2022" not in page and 'class="previous"' not in page

    # Another commune's figures of 2022 are not this one's; nor is a report of 2022 left empty.
    other = commune_officer.unit.parent.children.exclude(pk=commune_officer.unit.pk).first()
    neighbour = make_user("neighbour", "commune_officer", other)
    actions.approve(coordinator, submitted(neighbour, pl6, y2022, {("PL6_II_4", "total"): "3"}))
    actions.open_submission(commune_officer, pl6, commune_officer.unit, y2022)
    page = client.get(url).content.decode()
    assert "Kỳ trước" not in page and "Năm 2022" not in page

    # With its own figures of 2022, the period is named and its figures stand under the cells.
    s2022 = Submission.objects.get(form=pl6, unit=commune_officer.unit, period=y2022)
    actions.save_values(commune_officer, s2022, {("PL6_II_4", "total"): "4"})
    page = client.get(url).content.decode()
    assert re.search(r"<dt>Kỳ trước</dt><dd>Năm 2022 ", page)
    assert re.search(r'<span class="previous" title="Kỳ trước">4</span>', page)


def test_the_history_names_people_by_their_full_name(client, commune_officer, coordinator, pl6, y2023):
    commune_officer.first_name, commune_officer.last_name = "Nguyễn Thị", "Lan"
    commune_officer.save()
    submission = submitted(commune_officer, pl6, y2023, {("PL6_II_4", "total"): "5"})
    actions.return_submission(coordinator, submission, "Kiểm tra lại")  # the coordinator has no name: their login
    page = client_for(client, coordinator).get(entry_url(pl6, y2023, commune_officer.unit)).content.decode()
    changes = page[page.index('id="value-changes"'):page.index("</table>", page.index('id="value-changes"'))]
    history = page[page.index('<ul class="history">'):]
    history = history[:history.index("</ul>")]
    for part in (changes, history):
        assert "Nguyễn Thị Lan" in part
        # The login stays at hand, in the name's title.
        assert re.search(r'title="[^"]*commune"[^>]*>Nguyễn Thị Lan<', part)
        assert ">commune<" not in part
    assert re.search(r"<span>coord</span>: Kiểm tra lại", history)


def test_a_change_by_a_deleted_user_shows_a_dash_not_none(client, commune_officer, coordinator, pl6, y2023):
    helper = make_user("helper", "commune_officer", commune_officer.unit)
    submission = actions.open_submission(helper, pl6, commune_officer.unit, y2023)
    actions.save_values(helper, submission, {("PL6_II_4", "total"): "5"})
    helper.delete()
    page = client_for(client, commune_officer).get(entry_url(pl6, y2023, commune_officer.unit)).content.decode()
    assert "None" not in page[page.index('id="value-changes"'):]
    assert "<td>—</td>" in page
