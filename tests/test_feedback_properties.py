"""Property test over the feedback form: whatever is sent, never a 500; every valid one is saved."""

import datetime as dt

from django.test import override_settings
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase, from_form

from portal.feedback.forms import ANSWER_MAX_LENGTH, FeedbackForm
from portal.models import Consultation, ConsultationQuestion, Feedback, Status

# Ordinary text with what respondents really type (æøå, emoji with joiners, line breaks) and what
# hostile input adds (control characters, NUL, markup), plus lengths at the limit and just past it.
fragments = st.one_of(
    st.characters(codec="utf-8", exclude_categories=["Cs"]),
    st.sampled_from(
        ["æ", "ø", "å", "Æ", "Ø", "Å", "😀", "👩‍👩‍👧", "\r\n", "\n", "\t", "<b>", "&amp;"]
    ),
)
plain_text = st.lists(fragments, max_size=40).map("".join)
near_the_limit = st.builds(
    lambda char, length: char * length,
    st.sampled_from(["a", "ø", "😀"]),
    st.integers(ANSWER_MAX_LENGTH - 2, ANSWER_MAX_LENGTH + 2),
)
answer_text = st.one_of(plain_text, near_the_limit, st.just(""))
line_text = st.one_of(plain_text, st.just("Kari Nordmann"), st.just(""))
tokens = st.one_of(st.uuids().map(str), st.just(""), st.text(max_size=40))

# What an honest respondent sends: any letters, digits, punctuation, spaces, emoji and line
# breaks, and a real token; most of these examples are valid and must all be saved.
honest_fragments = st.one_of(
    st.characters(categories=["L", "N", "P", "S", "Zs", "M"]),
    st.sampled_from(["æ", "ø", "å", "😀", "👩‍👩‍👧", "\r\n", "\n", "\t"]),
)
honest_text = st.lists(honest_fragments, min_size=1, max_size=40).map("".join)
honest_line = honest_text.map(lambda text: " ".join(text.split()) or "Kari")
HONEST = {
    "line": st.one_of(honest_line, st.just("Kari Nordmann")),
    "answer": st.one_of(
        honest_text,
        st.builds(
            lambda char, length: char * length,
            st.sampled_from(["a", "ø", "😀"]),
            st.integers(ANSWER_MAX_LENGTH - 2, ANSWER_MAX_LENGTH),
        ),
    ),
    "token": st.uuids().map(str),
    "trap": st.just(""),
}
HOSTILE = {
    "line": line_text,
    "answer": answer_text,
    "token": tokens,
    "trap": st.one_of(st.just(""), plain_text),
}


@override_settings(FEEDBACK_RATE_LIMIT="", PAGE_CACHE_ENABLED=False)
class FeedbackFormProperties(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.consultation = Consultation.objects.create(
            slug="egenskaper",
            title="Egenskaper",
            introduction="Tekst.",
            opens_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
            closes_at=dt.datetime(2036, 1, 1, tzinfo=dt.UTC),
            status=Status.PUBLISHED,
        )
        for order, required in enumerate([True, False, False], start=1):
            ConsultationQuestion.objects.create(
                consultation=cls.consultation,
                order=order,
                text=f"Spørsmål {order}",
                required=required,
            )

    @settings(
        max_examples=80,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.data())
    def test_never_a_500_and_every_valid_submission_is_saved(self, data):
        questions = list(self.consultation.questions.order_by("order"))
        kind = data.draw(st.sampled_from([HONEST, HOSTILE]), label="kind of respondent")
        form = data.draw(
            from_form(
                FeedbackForm,
                form_kwargs={"consultation": self.consultation},
                name=kind["line"],
                organisation=kind["line"],
                nettsted=kind["trap"],
                token=kind["token"],
                vedlegg=st.just([]),  # letters have their own tests (tests/test_attachments.py)
                **{f"svar_{question.pk}": kind["answer"] for question in questions},
            )
        )
        posted = {name: str(value) for name, value in form.data.items()}
        before = Feedback.objects.count()

        response = self.client.post(f"/innspill/{self.consultation.slug}/", posted)

        assert response.status_code in (200, 302), response.status_code
        expected = FeedbackForm(posted, consultation=self.consultation)
        event("valid" if expected.is_valid() else "invalid")
        if expected.is_valid():
            assert response.status_code == 302, expected.errors
            assert Feedback.objects.count() == before + 1
            stored = Feedback.objects.get(idempotency_key=expected.cleaned_data["token"])
            assert stored.name == expected.cleaned_data["name"]
            assert stored.status == (
                Feedback.Status.SPAM if expected.cleaned_data["nettsted"] else Feedback.Status.NEW
            )
            answers = {a.question_id: a.text for a in stored.answers.all()}
            for question, text in expected.cleaned_data["answers"]:
                assert answers.get(question.pk, "") == text
        else:
            assert response.status_code == 200
            assert Feedback.objects.count() == before
            assert "ds-error-summary" in response.text
