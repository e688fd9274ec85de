from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext


def _unprefixed(path: str) -> str:
    """The path without its language prefix: /nn/innspill/ -> /innspill/."""
    language = translation.get_language_from_path(path)
    if language and language != settings.LANGUAGE_CODE:
        return path[len(language) + 1 :] or "/"
    return path


def language_path(path: str, language: str) -> str:
    """The same page in `language`. The addresses are the same in both forms but for the prefix
    (bokmål none, nynorsk /nn/), so this works on any page, a 404 included."""
    bare = _unprefixed(path)
    return bare if language == settings.LANGUAGE_CODE else f"/{language}{bare}"


def languages(request) -> dict:
    """The language switch and the hreflang alternates for the page being shown."""
    current = translation.get_language()
    if request is None:
        return {"language": current, "language_versions": []}
    query = request.META.get("QUERY_STRING", "")
    versions = []
    for code, name in settings.LANGUAGES:
        path = language_path(request.path, code)
        versions.append(
            {
                "code": code,
                "name": name,
                "url": f"{path}?{query}" if query else path,
                "absolute_url": settings.SITE_URL + path,
                "current": code == current,
            }
        )
    return {"language": current, "language_versions": versions}


def site(request):
    return {
        "site_name": gettext("Smart spesialisering – veileder for fylkeskommunen"),
        "site_url": settings.SITE_URL,
        **languages(request),
    }
