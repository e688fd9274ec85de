"""A consultation's questions inline: one that has answers is shown read-only (text and help not
editable, not deletable, with a note), while new questions can be added. The form matches the
service's refusal to reword, so an editor never meets it as an error."""

import re

import pytest

from portal.models import Consultation, Edition
from tests.conftest import add_feedback
from tests.editions.form_data import form_values

pytestmark = pytest.mark.django_db

NOTE = "Har fått svar – kan ikke endres. Legg til et nytt spørsmål i stedet."


def _url(consultation):
    return f"/admin/portal/consultation/{consultation.pk}/change/"


def _tag(html, name):
    match = re.search(rf'<(input|textarea)[^>]*name="{re.escape(name)}"[^>]*>', html)
    assert match, name
    return match.group(0)


def _errors(html):
    return re.findall(r'(?s)<ul class="errorlist.{0,400}', html)


@pytest.fixture
def answered(imported):
    consultation = Consultation.objects.get()
    add_feedback(consultation, answers=["Ja."])  # answers the first question
    return consultation


def test_an_answered_question_is_read_only_and_a_new_one_can_be_added(client, answered, editor):
    first, second = answered.questions.order_by("order")
    client.force_login(editor)
    page = client.get(_url(answered)).text
    assert page.count(NOTE) == 1
    for name in ("text_nb", "text_nn", "help_text_nb", "help_text_nn"):
        assert "disabled" in _tag(page, f"questions-0-{name}")
        assert "disabled" not in _tag(page, f"questions-1-{name}")

    data = form_values(page)
    assert "questions-0-text_nb" not in data  # a browser sends nothing for a disabled field
    data["questions-2-text_nb"] = ["Hva mangler i veilederen?"]
    data["questions-2-order"] = ["3"]
    response = client.post(_url(answered), data)
    assert response.status_code == 302, _errors(response.text)
    questions = Edition.objects.pending().get().data["questions"]
    assert [q["text_nb"] for q in questions] == [
        first.text_nb,
        second.text_nb,
        "Hva mangler i veilederen?",
    ]
    assert questions[0]["id"] == first.pk


def test_a_publisher_cannot_delete_an_answered_question_but_may_delete_another(
    client, answered, publisher
):
    """(A Redaktør deletes no questions at all.) A posted rewording or deletion is ignored."""
    first, _ = answered.questions.order_by("order")
    client.force_login(publisher)
    page = client.get(_url(answered)).text
    assert 'type="hidden"' in _tag(page, "questions-0-DELETE")
    assert 'type="checkbox"' in _tag(page, "questions-1-DELETE")
    data = form_values(page)
    data.update(
        {
            "questions-0-text_nb": ["Noe helt annet?"],
            "questions-0-help_text_nb": ["Ny hjelpetekst"],
            "questions-0-DELETE": ["on"],
            "questions-1-DELETE": ["on"],  # not answered: may go
            "_publish_now": ["1"],
        }
    )
    response = client.post(_url(answered), data, follow=True)
    assert "Endringen er publisert." in response.text, _errors(response.text)
    live = list(answered.questions.values_list("pk", "text_nb", "help_text_nb"))
    assert live == [(first.pk, first.text_nb, first.help_text_nb)]


def test_questions_without_answers_stay_editable(client, imported, editor):
    consultation = Consultation.objects.get()
    client.force_login(editor)
    page = client.get(_url(consultation)).text
    assert NOTE not in page
    data = form_values(page)
    data["questions-0-text_nb"] = ["Er veilederen til hjelp?"]
    assert client.post(_url(consultation), data).status_code == 302
    questions = Edition.objects.pending().get().data["questions"]
    assert questions[0]["text_nb"] == "Er veilederen til hjelp?"
