"""Fixed choices the models store: Norway's counties, as the feedback form offers them.

Data, not template text, and in the models layer because Feedback.county stores the codes: the
feedback package (form, overview) reads them from here, never the other way round.

The list follows the county structure in force from 1 January 2024 (15 counties). When the
structure changes again, change this list and run `makemigrations`: stored input keeps its code,
and a code that is no longer listed still shows in the admin and in exports.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class County:
    code: str  # the official county number, or NOT_RELEVANT
    name: str | Promise
    is_county: bool = True


NOT_RELEVANT = "ikke-relevant"

# In Norwegian alphabetical order (æ, ø, å last), the order people look for their county in.
COUNTIES: tuple[County, ...] = (
    County("42", "Agder"),
    County("32", "Akershus"),
    County("33", "Buskerud"),
    County("56", "Finnmark"),
    County("34", "Innlandet"),
    County("15", "Møre og Romsdal"),
    County("18", "Nordland"),
    County("03", "Oslo"),
    County("11", "Rogaland"),
    County("40", "Telemark"),
    County("55", "Troms"),
    County("50", "Trøndelag"),
    County("39", "Vestfold"),
    County("46", "Vestland"),
    County("31", "Østfold"),
    County(NOT_RELEVANT, _("Ikke relevant"), is_county=False),
)

COUNTY_CHOICES: list[tuple[str, str]] = [(county.code, county.name) for county in COUNTIES]
REAL_COUNTIES: tuple[County, ...] = tuple(county for county in COUNTIES if county.is_county)
COUNTY_NAMES: dict[str, str] = {county.code: county.name for county in COUNTIES}
