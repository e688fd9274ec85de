"""Chapters' order: unique within a part (the database and the importer refuse a duplicate),
changed in the admin with "Flytt opp" / "Flytt ned" without JavaScript, and the parts never
interleave on the public list, in the navigation or in the PDF."""

import re

import pytest
from django.contrib.auth.models import Permission, User
from django.db import IntegrityError, transaction

from portal import pdf
from portal.content import ContentError, import_content
from portal.models import Chapter, Status
from portal.navigation import reading_order
from portal.publishing import content_version
from tests.conftest import write_tree

pytestmark = pytest.mark.django_db


def chapter(slug, part, order, **extra):
    return Chapter.objects.create(
        slug=slug,
        title=extra.pop("title", slug.replace("-", " ").capitalize()),
        part=part,
        order=order,
        lead="Ingress.",
        body="Tekst.",
        status=extra.pop("status", Status.PUBLISHED),
        **extra,
    )


CHAPTER_FILE = """
    ---
    slug: {slug}
    title: {title}
    part: {part}
    order: {order}
    lead: Ingress.
    ---
    Tekst.
"""


def chapter_file(slug, part, order):
    return CHAPTER_FILE.format(slug=slug, title=slug.capitalize(), part=part, order=order)


# --- Unique within a part ----------------------------------------------------------------------


def test_the_database_refuses_two_chapters_with_one_order_in_a_part(imported):
    with pytest.raises(IntegrityError), transaction.atomic():
        chapter("dobbel", Chapter.Part.INTRODUCTION, 1)
    chapter("i-hoveddelen", Chapter.Part.MAIN, 1)  # the same number in the other part is fine


def test_the_admin_form_says_so_in_norwegian(client, editor, imported):
    client.force_login(editor)
    response = client.post(
        "/admin/portal/chapter/add/",
        {
            "part": "innledning",
            "order": 1,
            "slug": "dobbel",
            "title_nb": "Dobbel",
            "lead_nb": "Ingress.",
            "body_nb": "Tekst.",
        },
    )
    assert response.status_code == 200
    assert "Et annet kapittel i samme del har allerede dette nummeret" in response.text


def test_the_importer_names_both_files_of_a_duplicate_order(content_dir):
    duplicate = content_dir / "chapters" / "03-dobbel.md"
    write_tree(content_dir, {"chapters/03-dobbel.md": chapter_file("dobbel", "innledning", 2)})
    with pytest.raises(ContentError) as caught:
        import_content(content_dir)
    assert caught.value.path == duplicate
    assert caught.value.line == 5  # the line of its order
    assert str(caught.value).startswith(f"{duplicate}:5: order 2 er allerede brukt i part")
    assert f"{content_dir / 'chapters' / '02-hva.md'}:5" in caught.value.message
    assert Chapter.objects.count() == 0, "all or nothing"


def test_the_importer_refuses_a_clash_with_the_database(imported, tmp_path):
    partial = write_tree(
        tmp_path / "partial", {"chapters/09-ny.md": chapter_file("ny", "innledning", 1)}
    )
    with pytest.raises(ContentError) as caught:
        import_content(partial)
    assert (caught.value.path.name, caught.value.line) == ("09-ny.md", 5)
    assert "«om-veilederen» i databasen" in caught.value.message
    assert not Chapter.objects.filter(slug="ny").exists()


def test_files_may_swap_two_chapters_places(imported, content_dir):
    (content_dir / "chapters" / "01-om.md").write_text(
        (content_dir / "chapters" / "01-om.md").read_text().replace("order: 1", "order: 2")
    )
    (content_dir / "chapters" / "02-hva.md").write_text(
        (content_dir / "chapters" / "02-hva.md").read_text().replace("order: 2", "order: 1")
    )
    import_content(content_dir)
    assert list(Chapter.objects.values_list("slug", flat=True)) == [
        "hva-er-smart-spesialisering",
        "om-veilederen",
    ]


# --- Flytt opp / Flytt ned -----------------------------------------------------------------------


@pytest.fixture
def three(imported):
    """innledning: om-veilederen (1), hva-er-smart-spesialisering (2); hoveddel: slik (3)."""
    chapter("slik", Chapter.Part.MAIN, 3)
    return lambda: list(Chapter.objects.values_list("slug", "order"))


def move_url(slug, direction):
    return f"/admin/portal/chapter/{Chapter.objects.get(slug=slug).pk}/flytt/{direction}/"


@pytest.mark.parametrize("user", ["editor", "publisher"])
def test_move_up_and_down_swap_within_the_part(client, three, user, request):
    client.force_login(request.getfixturevalue(user))
    listing = client.get("/admin/portal/chapter/?part__exact=innledning")
    assert listing.status_code == 200
    buttons = re.findall(
        r'<button type="submit"[^>]*formaction="([^"]+)"[^>]*>([^<]+)<', listing.text
    )
    url = move_url("hva-er-smart-spesialisering", "opp")
    assert (
        url + "?next=%2Fadmin%2Fportal%2Fchapter%2F%3Fpart__exact%3Dinnledning",
        "Flytt opp",
    ) in [(action.replace("&amp;", "&"), label) for action, label in buttons]
    version = content_version()
    response = client.post(url + "?next=%2Fadmin%2Fportal%2Fchapter%2F%3Fpart__exact%3Dinnledning")
    assert response.status_code == 302
    assert response["Location"] == "/admin/portal/chapter/?part__exact=innledning"
    assert three() == [("hva-er-smart-spesialisering", 1), ("om-veilederen", 2), ("slik", 3)]
    assert content_version() != version, "the public pages follow"
    moved = Chapter.objects.get(slug="hva-er-smart-spesialisering")
    assert moved.history.first().order == 1, "the move is in the history"
    client.post(move_url("hva-er-smart-spesialisering", "ned"))
    assert three() == [("om-veilederen", 1), ("hva-er-smart-spesialisering", 2), ("slik", 3)]


def test_a_move_stays_within_the_part(client, editor, three):
    client.force_login(editor)
    response = client.post(move_url("hva-er-smart-spesialisering", "ned"), follow=True)
    assert "er allerede sist i sin del" in response.text
    client.post(move_url("slik", "opp"))
    client.post(move_url("om-veilederen", "opp"))
    assert three() == [("om-veilederen", 1), ("hva-er-smart-spesialisering", 2), ("slik", 3)]


def test_moving_needs_post_and_the_right_to_edit(client, editor, three):
    # Staff who may only view chapters may not move them; neither may a GET.
    viewer = User.objects.create_user("leser", password="et-langt-passord-1", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_chapter"))
    client.force_login(viewer)
    assert client.post(move_url("hva-er-smart-spesialisering", "opp")).status_code == 403
    listing = client.get("/admin/portal/chapter/")
    assert listing.status_code == 200
    assert "Flytt opp" not in listing.text
    client.force_login(editor)
    assert client.get(move_url("hva-er-smart-spesialisering", "opp")).status_code == 405
    assert three()[0] == ("om-veilederen", 1)
    response = client.post(
        move_url("hva-er-smart-spesialisering", "opp") + "?next=https://example.org/"
    )
    assert response["Location"] == "/admin/portal/chapter/", "never away from the admin"
    assert three()[0] == ("hva-er-smart-spesialisering", 1)


# --- The parts never interleave ------------------------------------------------------------------


@pytest.fixture
def interleaving(db):
    """Numbers that, ordered by order alone, would mix the parts."""
    chapter("hoved-1", Chapter.Part.MAIN, 1, title="Hoved en")
    chapter("innledning-5", Chapter.Part.INTRODUCTION, 5, title="Innledning fem")
    chapter("hoved-2", Chapter.Part.MAIN, 2, title="Hoved to")
    chapter("innledning-7", Chapter.Part.INTRODUCTION, 7, title="Innledning sju")


IN_ORDER = ["innledning-5", "innledning-7", "hoved-1", "hoved-2"]
TITLES = ["Innledning fem", "Innledning sju", "Hoved en", "Hoved to"]


def test_chapters_are_ordered_part_by_part(interleaving):
    assert [c.slug for c in Chapter.objects.all()] == IN_ORDER
    assert [e.slug for e in reading_order().chapters] == IN_ORDER
    assert [e.slug for e in reading_order(drafts=True).chapters] == IN_ORDER
    assert [e.number for e in reading_order().chapters] == [1, 2, 3, 4]


def test_the_public_list_and_navigation_never_interleave_parts(client, interleaving, settings):
    settings.PAGE_CACHE_ENABLED = False
    for url in ("/veileder/", "/"):
        html = client.get(url).text
        positions = [html.index(title) for title in TITLES]
        assert positions == sorted(positions), url
        assert html.count("Innledning fem") == 1
    html = client.get("/veileder/innledning-7/").text
    assert 'href="/veileder/hoved-1/" rel="next"' in html
    assert 'href="/veileder/innledning-5/" rel="prev"' in html


def test_the_guide_pdf_never_interleaves_parts(interleaving):
    parts = pdf._guide_context()["parts"]
    assert [[c.slug for c in chapters] for _, chapters in parts] == [IN_ORDER[:2], IN_ORDER[2:]]


def test_the_migration_moves_existing_duplicates_down_in_reading_order(imported):
    from importlib import import_module

    from django.apps import apps
    from django.db import connection

    migration = import_module("portal.migrations.0013_chapter_order_per_part")
    with transaction.atomic():
        with connection.cursor() as cursor:  # a database from before the constraint
            cursor.execute("SET CONSTRAINTS chapter_order_per_part DEFERRED")
        chapter("aaa-dobbel", Chapter.Part.INTRODUCTION, 1, title="Aaa dobbel")
        migration.separate_duplicate_orders(apps, None)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS chapter_order_per_part IMMEDIATE")
    assert list(Chapter.objects.values_list("slug", "order")) == [
        ("aaa-dobbel", 1),
        ("om-veilederen", 2),
        ("hva-er-smart-spesialisering", 3),
    ]
