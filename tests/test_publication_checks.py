"""Publishing is refused while an image lacks alt text or an internal link leads to a page that
does not exist or is not published (portal/publishing/checks.py), on every publishing path, and
the admin shows what to fix instead of a server error."""

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from portal import publishing
from portal.models import Chapter, Edition, ExampleCase, GlossaryTerm, Status
from portal.publishing.checks import DECORATIVE_MARKER
from tests.test_admin import _change_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def image(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    name = default_storage.save("opplastinger/bilde.png", ContentFile(b"png"))
    return default_storage.url(name)


@pytest.fixture
def chapter(imported):
    chapter = Chapter.objects.get(slug="hva-er-smart-spesialisering")
    chapter.status = Status.DRAFT
    chapter.save()
    return chapter


def problems_of(chapter, nb="", nn=""):
    chapter.body_nb, chapter.body_nn = nb, nn
    return publishing.publication_problems(chapter)


def test_an_image_needs_alt_text_or_the_decorative_mark(chapter, image):
    assert problems_of(chapter, f"![Et kart over fylket]({image})") == []
    assert problems_of(chapter, f"![]({image}) {DECORATIVE_MARKER}") == []
    assert problems_of(chapter, f'<img src="{image}" alt="">') == [], "explicit in HTML"
    [problem] = problems_of(chapter, f"Tekst.\n\n![]({image})")
    assert problem.startswith("«tekst (bokmål)»: bildet /media/opplastinger/bilde.png")
    assert "mangler alternativ tekst" in problem
    [problem] = problems_of(chapter, nn=f'<img src="{image}">')
    assert problem.startswith("«tekst (nynorsk)»")


def test_an_image_that_is_not_there_is_named(chapter, image):
    [problem] = problems_of(chapter, "![Kart](/media/opplastinger/borte.png)")
    assert "/media/opplastinger/borte.png finnes ikke" in problem


@pytest.mark.parametrize(
    "link",
    [
        "/veileder/om-veilederen/",
        "/nn/veileder/om-veilederen/",
        "/veileder/om-veilederen",  # without the slash Django adds
        "/steg/analyse/",
        "/steg/analyse/arbeidsark/",
        "/eksempler/industriell-symbiose/",
        "/begreper/#nisje",
        "/nn/kilder/#nifu-2022-7",
        "/om/",
        "/veileder/",
        "/sok/?q=klynge",
        "http://127.0.0.1:8000/veileder/om-veilederen/#okonomi",
        "https://www.regjeringen.no/finnes-ikke/",  # another site: not ours to check
        "mailto:postmottak@kdd.dep.no",
        "#neste-del",
    ],
)
def test_links_to_published_pages_and_other_sites_pass(chapter, link, settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    assert problems_of(chapter, f"Se [her]({link}).") == []


@pytest.mark.parametrize(
    ("link", "said"),
    [
        ("/veileder/finnes-ikke/", "peker til en side som ikke finnes"),
        ("/nn/steg/finnes-ikke/", "peker til en side som ikke finnes"),
        ("/tull/og/tøys/", "peker til en side som ikke finnes"),
        ("/begreper/#finnes-ikke", "peker til noe som ikke finnes på siden"),
    ],
)
def test_links_that_lead_nowhere_are_named(chapter, link, said):
    [problem] = problems_of(chapter, f"Les [dette]({link}).")
    assert problem == f"«tekst (bokmål)»: lenken {link} {said}."


def test_links_to_drafts_are_named_with_the_draft(chapter):
    example = ExampleCase.objects.get(slug="industriell-symbiose")
    example.status = Status.DRAFT
    example.save()
    GlossaryTerm.objects.filter(slug="nisje").update(status=Status.DRAFT)
    problems = problems_of(
        chapter,
        "Se [eksempelet](/eksempler/industriell-symbiose/).\n\n[nisje]: /begreper/#nisje",
        nn="Sjå <a href='/nn/eksempler/industriell-symbiose/'>dømet</a>.",
    )
    assert problems == [
        "«tekst (bokmål)»: lenken /eksempler/industriell-symbiose/ peker til "
        "«Industriell symbiose», som ikke er publisert.",
        "«tekst (bokmål)»: lenken /begreper/#nisje peker til «Nisje», som ikke er publisert.",
        "«tekst (nynorsk)»: lenken /nn/eksempler/industriell-symbiose/ peker til "
        "«Industriell symbiose», som ikke er publisert.",
    ]


def test_links_within_what_is_published_together_and_in_code_pass(chapter):
    assert problems_of(chapter, "[Denne siden](/veileder/hva-er-smart-spesialisering/)") == []
    assert problems_of(chapter, "`[a](/finnes-ikke/)`\n\n```\n![](/x.png)\n```") == []
    other = Chapter.objects.get(slug="om-veilederen")
    other.status = Status.DRAFT
    other.save()
    chapter.body_nb = "[Om](/veileder/om-veilederen/)"
    assert publishing.publication_problems(chapter) != []
    assert publishing.publication_problems(chapter, alongside=[other]) == []


def test_publish_and_a_status_change_are_refused_with_the_problems(chapter, publisher):
    chapter.body_nb = "![](/media/opplastinger/borte.png)"
    chapter.save()
    with pytest.raises(publishing.PublicationBlocked) as blocked:
        publishing.publish(chapter, publisher)
    assert len(blocked.value.problems) == 2
    assert blocked.value.messages == blocked.value.problems
    chapter.refresh_from_db()
    assert chapter.status == Status.DRAFT
    chapter.status = Status.PUBLISHED
    with pytest.raises(publishing.PublicationBlocked):
        publishing.apply_status_change(chapter, publisher, Status.DRAFT)


def test_the_admin_form_lists_what_to_fix_and_saves_nothing(client, publisher, chapter):
    client.force_login(publisher)
    url = f"/admin/portal/chapter/{chapter.pk}/change/"
    data = _change_form_data(
        chapter, status=Status.PUBLISHED, body_nb="Se [x](/veileder/finnes-ikke/).", body_nn=""
    )
    response = client.post(url, {**data, "_publish_now": "1"})
    assert response.status_code == 200
    assert "Dette kan ikke publiseres før du har rettet opp:" in response.text
    assert "lenken /veileder/finnes-ikke/ peker til en side som ikke finnes" in response.text
    assert "Se [x](/veileder/finnes-ikke/)." in response.text, "what was typed is kept"
    chapter.refresh_from_db()
    assert chapter.status == Status.DRAFT


def test_a_draft_with_problems_can_still_be_saved(client, editor, chapter):
    client.force_login(editor)
    url = f"/admin/portal/chapter/{chapter.pk}/change/"
    data = _change_form_data(chapter, body_nb="Uferdig: ![](/media/opplastinger/borte.png)")
    data.pop("status")
    assert client.post(url, data).status_code == 302
    edition = Edition.objects.pending().get()  # a save makes an edition: no checks yet
    assert edition.data["fields"]["body_nb"].startswith("Uferdig")


def test_the_publish_action_publishes_nothing_and_says_why(client, publisher, chapter):
    other = Chapter.objects.get(slug="om-veilederen")
    other.status = Status.DRAFT
    other.save()
    chapter.body_nb = "Se [x](/veileder/finnes-ikke/)."
    chapter.save()
    client.force_login(publisher)
    response = client.post(
        "/admin/portal/chapter/",
        {"action": "publish", "_selected_action": [other.pk, chapter.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "Ingenting ble publisert: «Hva er smart spesialisering?» må rettes først." in (
        response.text
    )
    assert "/veileder/finnes-ikke/ peker til en side som ikke finnes" in response.text
    statuses = Chapter.objects.filter(pk__in=[other.pk, chapter.pk]).values_list("status")
    assert set(statuses) == {(Status.DRAFT,)}, "the whole action is undone"


def test_a_superuser_sees_the_same(client, chapter):
    admin = User.objects.create_superuser("admin", password="et-langt-passord-1")
    client.force_login(admin)
    data = _change_form_data(chapter, status=Status.PUBLISHED, body_nb="![](/media/x.png)")
    response = client.post(
        f"/admin/portal/chapter/{chapter.pk}/change/", {**data, "_publish_now": "1"}
    )
    assert "mangler alternativ tekst" in response.text
