import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

pytestmark = pytest.mark.django_db

UPLOAD = "/admin/markdownx/upload/"
PREVIEW = "/admin/markdownx/markdownify/"


def image_bytes(fmt: str, size=(8, 8)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload(client, name, data, content_type):
    return client.post(
        UPLOAD,
        {"image": SimpleUploadedFile(name, data, content_type=content_type)},
        headers={"x-requested-with": "XMLHttpRequest"},
    )


def test_anonymous_users_are_refused(client):
    assert client.post(PREVIEW, {"content": "**hei**"}).status_code == 403
    response = upload(client, "a.png", image_bytes("PNG"), "image/png")
    assert response.status_code == 403
    assert client.get(UPLOAD).status_code == 405


def test_markdownx_own_urls_are_not_mounted(client):
    assert client.post("/markdownx/upload/").status_code == 404
    assert client.post("/markdownx/markdownify/").status_code == 404


def test_staff_preview_uses_the_safe_renderer(client, staff_user):
    client.force_login(staff_user)
    response = client.post(PREVIEW, {"content": "## Økonomi\n\n<script>alert(1)</script>"})
    assert response.status_code == 200
    assert 'id="økonomi"' in response.text
    assert "<script" not in response.text


@pytest.mark.parametrize(("fmt", "extension"), [("PNG", "png"), ("JPEG", "jpg")])
def test_png_and_jpeg_are_reencoded_under_a_random_name(
    client, staff_user, media_in_tmp, fmt, extension
):
    client.force_login(staff_user)
    # The declared name and type are ignored; the detected format decides.
    response = upload(client, "bilde.gif", image_bytes(fmt), "image/gif")
    assert response.status_code == 200
    code = response.json()["image_code"]
    assert code.startswith("![](/media/opplastinger/") and code.endswith(f".{extension})")
    stored = list((media_in_tmp / "opplastinger").iterdir())
    assert len(stored) == 1
    assert len(stored[0].stem) == 32
    with Image.open(stored[0]) as image:
        assert image.format == fmt


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("a.gif", image_bytes("GIF"), "image/gif"),
        ("a.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>", "image/svg+xml"),
        ("a.gif", b"<html><script>alert(1)</script></html>", "image/gif"),
        ("a.png", image_bytes("PNG")[:40], "image/png"),
        ("a.png", b"", "image/png"),
    ],
)
def test_anything_but_a_valid_png_or_jpeg_gets_a_clear_400(
    client, staff_user, media_in_tmp, name, data, content_type
):
    client.force_login(staff_user)
    response = upload(client, name, data, content_type)
    assert response.status_code == 400
    assert response.json()["image"][0]
    assert not (media_in_tmp / "opplastinger").exists()


def test_files_over_5_mb_are_refused(client, staff_user):
    client.force_login(staff_user)
    big = image_bytes("PNG") + b"\0" * (5 * 1024 * 1024)
    response = upload(client, "stor.png", big, "image/png")
    assert response.status_code == 400
    assert "5 MB" in response.json()["image"][0]
