"""What the kind of a round (høring or innspillsrunde) means for the answers: the one place that
says it. The form offers the publication choices and shows the texts from here; /personvern/
says the same in prose, and tests/test_hoering.py holds the two together.

- A høring (utredningsinstruksen) is formal: the answers are case documents under offentleglova
  and are normally published. The respondent chooses only whether the name and organisation are
  shown with it.
- An innspillsrunde is informal: the respondent chooses whether the answer is published at all.

In both, anything sent to a ministry can be requested under offentleglova (innsyn), also what the
portal does not publish: "not published here" is never a promise of secrecy.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from portal.models import Consultation, Feedback

Publication = Feedback.Publication

INNSYN = _(
    "Alt som blir sendt til et departement, kan andre be om å få se etter offentleglova "
    "(innsyn). Det gjelder også svar vi ikke publiserer på nettstedet. Departementet vurderer "
    "hver begjæring om innsyn og gir ikke ut opplysninger som er underlagt taushetsplikt."
)

SHOWN_WHEN_ANONYMOUS = _(
    "Uten navn viser vi svarene, hvem du svarer for (for eksempel «Kommune») og fylket, men "
    "verken navnet ditt eller organisasjonen. Tenk på at det du skriver, eller hvem du svarer "
    "for sammen med fylket, kan vise hvem du er: svarer du for en fylkeskommune, går det fram "
    "av fylket."
)


@dataclass(frozen=True)
class PublicationOption:
    value: str
    label: Promise
    description: Promise


@dataclass(frozen=True)
class KindRules:
    kind: str
    # The first lines under "Hva skjer med svaret ditt?" on the form.
    what_happens: Promise
    options: tuple[PublicationOption, ...]

    # The same in every kind; a property so that the form reads it from the rules alone.
    @property
    def innsyn(self) -> Promise:
        return INNSYN

    @property
    def choices(self) -> list[tuple[str, Promise]]:
        return [(option.value, option.label) for option in self.options]

    @property
    def allows(self) -> frozenset[str]:
        return frozenset(option.value for option in self.options)


WITH_NAME = PublicationOption(
    Publication.WITH_NAME,
    Publication.WITH_NAME.label,
    _("Vi viser navnet ditt og organisasjonen sammen med svarene."),
)
WITHOUT_NAME = PublicationOption(
    Publication.ANONYMOUS, Publication.ANONYMOUS.label, SHOWN_WHEN_ANONYMOUS
)

RULES: dict[str, KindRules] = {
    Consultation.Kind.HOERING: KindRules(
        Consultation.Kind.HOERING,
        _(
            "Dette er en høring. Svarene i en høring er offentlige dokumenter etter offentleglova, "
            "og vi publiserer dem normalt på nettstedet når fristen er ute. Du velger om navnet "
            "ditt og organisasjonen skal stå sammen med svaret. I saksdokumentet hos "
            "departementet står navnet uansett."
        ),
        (WITH_NAME, WITHOUT_NAME),
    ),
    Consultation.Kind.INNSPILLSRUNDE: KindRules(
        Consultation.Kind.INNSPILLSRUNDE,
        _(
            "Dette er en uformell innspillsrunde. Du velger selv om vi kan publisere svaret ditt "
            "på nettstedet, og i så fall om navnet ditt og organisasjonen skal stå med."
        ),
        (
            WITH_NAME,
            WITHOUT_NAME,
            PublicationOption(
                Publication.NONE,
                Publication.NONE.label,
                _(
                    "Vi publiserer ikke svaret på nettstedet. Det betyr ikke at svaret er "
                    "hemmelig: andre kan likevel be om innsyn i det."
                ),
            ),
        ),
    ),
}


def rules_for(consultation: Consultation) -> KindRules:
    return RULES[consultation.kind]
