"""Resolving a conflict over a written answer by keeping both versions, with and without JavaScript."""

import pytest

from checklists.walkthrough import BOTH_VERSIONS_MARKER, join_versions

from .walkthrough_support import answer, autosave_url, questions, save, start, step_url

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


@pytest.fixture
def checklist(client_for, fca, walkthrough_template):
    return start(client_for(fca), walkthrough_template)


def keep_both(client, checklist, mine, *, key="what-happened", conflict_revision=2, follow=False):
    return client.post(
        step_url(checklist, 1 if key in ("what-happened", "risk-factors") else 2),
        {
            f"q-{key}": mine,
            f"revision-{key}": "1",
            f"conflict-revision-{key}": str(conflict_revision),
            "resolve": f"both:{key}",
        },
        follow=follow,
    )


def test_a_conflict_over_a_written_answer_offers_keeping_both(client_for, fca, checklist):
    save(checklist, "what-happened", "Saved in another tab", revision=2)
    response = client_for(fca).post(
        step_url(checklist, 1),
        {"q-what-happened": "Typed in this tab", "revision-what-happened": "1", "action": "continue"},
    )
    assert response.status_code == 409
    block = response.content.decode().split('id="conflict-what-happened"')[1].split("</button>\n  </div>")[0]
    assert 'value="mine:what-happened"' in block and 'value="saved:what-happened"' in block
    assert '<button type="submit" class="govuk-button govuk-button--secondary" name="resolve"' in block
    assert 'value="both:what-happened" data-module="govuk-button">Keep both versions' in block


def test_a_conflict_over_a_choice_offers_only_one_version_or_the_other(client_for, fca, checklist):
    save(checklist, "risk-factors", "domestic-abuse", revision=2)
    response = client_for(fca).post(
        step_url(checklist, 1),
        {"q-risk-factors": ["substance-misuse"], "revision-risk-factors": "1", "action": "continue"},
    )
    assert response.status_code == 409
    content = response.content.decode()
    assert 'value="mine:risk-factors"' in content and "both:risk-factors" not in content
    assert "Keep both versions" not in content


def test_keeping_both_saves_the_two_texts_joined_by_a_marker(client_for, fca, checklist):
    save(checklist, "what-happened", "Saved in another tab.", revision=2)
    response = keep_both(client_for(fca), checklist, "Typed in this tab.", follow=True)
    assert response.redirect_chain[-1][0].endswith(f"{step_url(checklist, 1)}#q-what-happened")
    joined = f"Typed in this tab.\n\n{BOTH_VERSIONS_MARKER}\n\nSaved in another tab."
    stored = answer(checklist, "what-happened")
    assert (stored.value, stored.revision) == (joined, 3)
    content = response.content.decode()
    assert "Both versions have been kept in one answer." in content
    assert f">{joined}</textarea>" in content


def test_keeping_both_of_the_same_text_keeps_it_once(client_for, fca, checklist):
    save(checklist, "what-happened", "The same words", revision=2)
    response = keep_both(client_for(fca), checklist, "The same words")
    assert response.status_code == 302
    assert answer(checklist, "what-happened").value == "The same words"


def test_keeping_both_after_another_change_shows_the_newest_conflict_and_overwrites_nothing(client_for, fca, checklist):
    save(checklist, "what-happened", "Changed yet again elsewhere", revision=3)
    response = keep_both(client_for(fca), checklist, "Typed in this tab", conflict_revision=2)
    assert response.status_code == 409
    content = response.content.decode()
    assert 'name="conflict-revision-what-happened" value="3"' in content
    assert ">Typed in this tab</textarea>" in content
    stored = answer(checklist, "what-happened")
    assert (stored.value, stored.revision) == ("Changed yet again elsewhere", 3)


def test_keeping_both_is_refused_when_together_they_are_too_long(client_for, fca, checklist):
    save(checklist, "what-happened", "s" * 1500, revision=2)
    response = keep_both(client_for(fca), checklist, "m" * 1000)
    assert response.status_code == 400
    content = response.content.decode()
    length = len(join_versions("m" * 1000, "s" * 1500))
    assert f"Both versions together are {length:,} characters, more than the 2,000 allowed." in content
    assert '<a href="#q-what-happened">Both versions together are' in content
    assert f">{'m' * 1000}</textarea>" in content  # this page's text is kept
    assert 'value="both:what-happened"' in content  # and the choice is offered again
    stored = answer(checklist, "what-happened")
    assert (stored.value, stored.revision) == ("s" * 1500, 2)


def test_keeping_both_is_refused_for_a_choice(client_for, fca, checklist):
    save(checklist, "risk-factors", "domestic-abuse", revision=2)
    response = keep_both(client_for(fca), checklist, ["substance-misuse"], key="risk-factors")
    assert response.status_code == 400
    assert "only written answers can keep both" in response.content.decode()
    stored = answer(checklist, "risk-factors")
    assert (stored.value, stored.revision) == ("domestic-abuse", 2)


def test_an_autosave_conflict_offers_both_versions_joined(client_for, fca, checklist):
    save(checklist, "what-happened", "Newer text from the other tab", revision=3)
    question = questions(checklist.template)["what-happened"]
    response = client_for(fca).post(
        autosave_url(checklist),
        {"question": question.pk, "q-what-happened": "My text\r\nfrom this tab", "revision-what-happened": 2},
        headers=HX,
    )
    assert response.status_code == 409
    content = response.content.decode()
    joined = f"My text\nfrom this tab\n\n{BOTH_VERSIONS_MARKER}\n\nNewer text from the other tab"
    assert f'data-keep-both="what-happened" data-saved-revision="3" data-both-value="{joined}"' in content
    assert "Keep both versions" in content
    assert answer(checklist, "what-happened").value == "Newer text from the other tab"

    # The page then saves the joined text on top of the newer revision, as an ordinary autosave.
    response = client_for(fca).post(
        autosave_url(checklist),
        {"question": question.pk, "q-what-happened": joined, "revision-what-happened": 3},
        headers=HX,
    )
    assert response.status_code == 200
    stored = answer(checklist, "what-happened")
    assert (stored.value, stored.revision) == (joined, 4)


def test_an_autosave_conflict_over_a_choice_does_not_offer_both(client_for, fca, checklist):
    save(checklist, "safe-now", "yes", revision=3)
    question = questions(checklist.template)["safe-now"]
    response = client_for(fca).post(
        autosave_url(checklist), {"question": question.pk, "q-safe-now": "no", "revision-safe-now": 2}, headers=HX
    )
    assert response.status_code == 409
    assert "data-keep-both" not in response.content.decode()
