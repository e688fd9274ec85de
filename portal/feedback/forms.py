"""The public feedback form: one field per person detail, one per question of the round."""

import re
import uuid

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.functional import cached_property
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.feedback import attachments, rounds
from portal.models import Consultation, Feedback
from portal.models.choices import COUNTY_CHOICES

ANSWER_MAX_LENGTH = 10_000
NAME_MAX_LENGTH = 200

# C0 controls and DEL. Tab and line breaks are fine in an answer; nothing else here is text.
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_IN_LINE = re.compile(r"[\x00-\x1f\x7f]")


def _reject_control_characters(pattern: re.Pattern):
    def validate(value: str) -> None:
        if value and pattern.search(value):
            raise ValidationError(
                _(
                    "Teksten inneholder tegn som ikke kan lagres (usynlige kontrolltegn). "
                    "Skriv inn teksten på nytt, eller lim den inn som ren tekst."
                ),
                code="control_characters",
            )

    return validate


def _too_long(message, limit: int):
    """`message` with {limit} as 10 000; Django fills in %(show_value)s when it is shown."""
    return format_lazy(message, limit=f"{limit:,}".replace(",", "\u00a0"))


NAME_TOO_LONG = _(
    "Navnet kan være på høyst {limit} tegn. Nå er det %(show_value)s tegn. "
    "Kort ned teksten, eller send resten som et nytt innspill."
)
ORGANISATION_TOO_LONG = _(
    "Navnet på organisasjonen kan være på høyst {limit} tegn. Nå er det %(show_value)s tegn. "
    "Kort ned teksten, eller send resten som et nytt innspill."
)
ANSWER_TOO_LONG = _(
    "Svaret kan være på høyst {limit} tegn. Nå er det %(show_value)s tegn. "
    "Kort ned teksten, eller send resten som et nytt innspill."
)


def _text_validators(field: forms.CharField, pattern: re.Pattern) -> list:
    # Ours replaces Django's null-character check, so a NUL byte gets one clear message.
    kept = [v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)]
    return [*kept, _reject_control_characters(pattern)]


class LineField(forms.CharField):
    """A single line of text: no line breaks or other control characters."""

    def __init__(self, *, too_long, **kwargs):
        kwargs.setdefault("max_length", NAME_MAX_LENGTH)
        super().__init__(**kwargs)
        self.validators = _text_validators(self, _CONTROL_IN_LINE)
        self.error_messages["max_length"] = _too_long(too_long, self.max_length)


class AnswerField(forms.CharField):
    """An answer: line breaks kept (as \\n, counted once, as the browser counts them)."""

    widget = forms.Textarea(attrs={"rows": 6})

    def __init__(self, **kwargs):
        super().__init__(max_length=ANSWER_MAX_LENGTH, **kwargs)
        self.validators = _text_validators(self, _CONTROL_IN_TEXT)
        self.error_messages["max_length"] = _too_long(ANSWER_TOO_LONG, ANSWER_MAX_LENGTH)
        self.error_messages["required"] = _("Svar på dette spørsmålet.")

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        return super().to_python(value)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Up to ATTACHMENT_MAX_FILES files in one input; each is checked by the form's clean."""

    widget = MultipleFileInput(attrs={"accept": "application/pdf,.pdf", "class": "ds-input"})

    def clean(self, data, initial=None):
        items = data if isinstance(data, (list, tuple)) else [data]
        return [item for item in items if item]


ATTACHMENT_EMPTY = _("«%(name)s» er tom.")


class FeedbackForm(forms.Form):
    name = LineField(
        label=_("Navn"),
        too_long=NAME_TOO_LONG,
        error_messages={"required": _("Skriv navnet ditt.")},
    )
    organisation = LineField(
        label=_("Organisasjon"),
        too_long=ORGANISATION_TOO_LONG,
        required=False,
        help_text=_("La feltet stå tomt hvis du svarer som privatperson."),
    )
    respondent_type = forms.ChoiceField(
        label=_("Hvem svarer du for?"),
        choices=Feedback.RespondentType.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Velg hvem du svarer for."),
            "invalid_choice": _("Velg et av alternativene for hvem du svarer for."),
        },
    )
    county = forms.ChoiceField(
        label=_("Fylke"),
        choices=[("", _("Velg fylke")), *COUNTY_CHOICES],
        help_text=_(
            "Velg fylket du eller organisasjonen din hører til. Velg «Ikke relevant» hvis du "
            "svarer for hele landet."
        ),
        error_messages={
            "required": _("Velg fylke, eller «Ikke relevant»."),
            "invalid_choice": _("Velg et fylke fra listen, eller «Ikke relevant»."),
        },
    )
    email = forms.EmailField(
        label=_("E-post"),
        required=False,
        max_length=254,
        help_text=_(
            "Oppgir du e-postadressen din, sender vi kvitteringen dit. Vi bruker den ikke til noe "
            "annet, og den blir aldri publisert."
        ),
        error_messages={
            "invalid": _(
                "Skriv en gyldig e-postadresse, for eksempel navn@eksempel.no, "
                "eller la feltet stå tomt."
            ),
            "max_length": _("E-postadressen er for lang."),
        },
    )
    publication = forms.ChoiceField(
        label=_("Kan vi publisere innspillet ditt?"),
        choices=(),  # the round's kind decides (portal/feedback/rounds.py)
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Velg om vi kan publisere innspillet ditt."),
            "invalid_choice": _("Velg et av alternativene for publisering."),
        },
    )
    vedlegg = AttachmentsField(
        label=_("Vedlegg (PDF)"),
        required=False,
        help_text=_(
            "Du kan legge ved opptil 3 PDF-filer på høyst 10 MB hver, for eksempel et signert "
            "brev. Legger du ved et brev, trenger du ikke svare på spørsmålene."
        ),
    )
    # A trap for robots: hidden from people and screen readers, filled in only by a program.
    nettsted = forms.CharField(label=_("Nettsted"), required=False, max_length=ANSWER_MAX_LENGTH)
    # One per rendered form; the unique constraint on it makes a resubmit store nothing new.
    token = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Skjemaet var ufullstendig. Send det på nytt."),
            "invalid": _("Skjemaet var ufullstendig. Send det på nytt."),
        },
    )

    PERSON_FIELDS = ("name", "organisation", "respondent_type", "county", "email")

    def __init__(self, *args, consultation: Consultation, upload_problems=(), **kwargs):
        kwargs.setdefault("initial", {}).setdefault("token", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.consultation = consultation
        self.rules = rounds.rules_for(consultation)
        self.fields["publication"].choices = self.rules.choices
        # Problems the upload handler met while the files streamed in (too large, too many).
        self.upload_problems = list(upload_problems)
        # Accepted files: kept from an earlier try of this form, or new and checked now.
        self.attachments = []
        self.questions = list(consultation.questions.all())
        for number, question in enumerate(self.questions, start=1):
            field = AnswerField(
                label=format_lazy("{}. {}", number, question.text),
                help_text=question.help_text,
                required=question.required,
            )
            field.question_number = number
            self.fields[self.answer_field_name(question)] = field
        self.order_fields(
            [
                *self.PERSON_FIELDS,
                *(self.answer_field_name(q) for q in self.questions),
                "publication",
                "vedlegg",
            ]
        )
        for field in self.fields.values():
            if not isinstance(field.widget, (forms.RadioSelect, forms.HiddenInput)):
                field.widget.attrs.setdefault("class", "ds-input")
        for name in ("respondent_type", "publication"):
            self.fields[name].widget.attrs["class"] = "ds-input"
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["organisation"].widget.attrs["autocomplete"] = "organization"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["nettsted"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    @staticmethod
    def answer_field_name(question) -> str:
        return f"svar_{question.pk}"

    @property
    def answer_fields(self):
        return [self[self.answer_field_name(q)] for q in self.questions]

    @property
    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("nettsted"))

    @cached_property
    def token_value(self) -> str:
        """The token to render: the one sent, if it was valid, so a corrected form stays one."""
        if self.is_bound:
            try:
                return str(uuid.UUID(str(self.data.get("token", ""))))
            except ValueError:
                return str(uuid.uuid4())
        return str(self.initial["token"])

    @property
    def publication_options(self):
        """(radio, description) for the publication choices of this round's kind."""
        descriptions = [option.description for option in self.rules.options]
        return list(zip(self["publication"], descriptions, strict=True))

    def required_fields(self) -> list[tuple[str, str]]:
        """(element id, what) for each field that must be filled in, in the form's order: the
        form's intro lists them, so the list is the fields' own `required`, never a sentence."""
        items = []
        for name, field in self.fields.items():
            if not field.required or isinstance(field.widget, forms.HiddenInput):
                continue
            bound = self[name]
            number = getattr(field, "question_number", None)
            if number is not None:
                what = gettext("svar på spørsmål %(number)s") % {"number": number}
            else:
                what = str(field.label)
            target = f"{bound.auto_id}_0" if isinstance(field.widget, forms.RadioSelect) else None
            items.append((target or bound.auto_id, what))
        return items

    def _summary_message(self, field, message: str) -> str:
        """An answer's error names its question: "Svar på spørsmål 1: ..." (the field's own
        message beside it can stay short, since the question stands right above it)."""
        number = getattr(field, "question_number", None)
        if number is None:
            return message
        if message == str(field.error_messages["required"]):
            return gettext("Svar på spørsmål %(number)s: %(question)s") % {
                "number": number,
                "question": self.questions[number - 1].text,
            }
        return gettext("Spørsmål %(number)s: %(message)s") % {"number": number, "message": message}

    def error_links(self) -> list[tuple[str, str]]:
        """(element id, message) for the error summary, in the order the fields appear."""
        links = []
        for name, field in self.fields.items():
            if name not in self.errors or name == "nettsted":
                continue
            bound = self[name]
            if name == "token":
                target = "send-innspill"
            elif isinstance(field.widget, forms.RadioSelect):
                target = f"{bound.auto_id}_0"
            else:
                target = bound.auto_id
            links.extend((target, self._summary_message(field, m)) for m in bound.errors)
        return links

    def clean_vedlegg(self):
        token = uuid.UUID(self.token_value)
        data = self.data
        names = data.getlist("behold_vedlegg") if hasattr(data, "getlist") else []
        kept = attachments.pending(token, names)
        problems = list(self.upload_problems)
        accepted = list(kept)
        for upload in self.cleaned_data.get("vedlegg") or []:
            name = attachments.display_name(upload.name)
            if len(accepted) >= settings.ATTACHMENT_MAX_FILES:
                problems.append(
                    attachments.TOO_MANY % {"count": settings.ATTACHMENT_MAX_FILES, "name": name}
                )
            elif not upload.size:
                problems.append(ATTACHMENT_EMPTY % {"name": name})
            else:
                try:
                    accepted.append(attachments.accept(upload, token))
                except attachments.Refused as refusal:
                    problems.append(str(refusal))
        self.attachments = accepted
        if problems:
            raise ValidationError(problems)
        return accepted

    def clean(self):
        cleaned = super().clean()
        if self.attachments:
            # A letter may stand instead of the answers: no question is then required.
            for question in self.questions:
                name = self.answer_field_name(question)
                errors = self._errors.get(name)
                if errors and all(e.code == "required" for e in errors.as_data()):
                    del self._errors[name]
                    cleaned[name] = ""
        cleaned["answers"] = [
            (question, cleaned.get(self.answer_field_name(question)) or "")
            for question in self.questions
        ]
        return cleaned


class DraftForm(FeedbackForm):
    """The same form, saved to finish later (portal/feedback/drafts.py): nothing is required but
    the address the link goes to; lengths and characters are checked as for sending."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
        email = self.fields["email"]
        email.required = True
        email.error_messages["required"] = _(
            "Skriv e-postadressen vi skal sende lenken til utkastet til."
        )

    def required_fields(self) -> list[tuple[str, str]]:
        """What must be filled in to send, as the form's intro says: not what a draft needs."""
        return FeedbackForm(consultation=self.consultation).required_fields()
