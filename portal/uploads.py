"""django-markdownx's two endpoints (live preview and image upload), for staff only.

Its own views take anonymous requests and accept SVG and GIF by default. Here an upload must be a
PNG or JPEG that Pillow can decode; it is re-encoded (dropping anything hidden in it) and stored
under a random name with the extension of the detected format.
"""

import io
import uuid
from functools import wraps

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_POST, require_safe
from django.views.static import serve
from PIL import Image, UnidentifiedImageError

from portal.markdown import render_markdown
from portal.staff import is_verified_staff

ACCEPTED_FORMATS = {"PNG": "png", "JPEG": "jpg"}
MAX_PIXELS = 40_000_000


def staff_only(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        # The same test as the admin's: a staff member who has not passed the second factor
        # is refused here too.
        if not is_verified_staff(request.user):
            return JsonResponse({"feil": "Du må være logget inn som redaktør."}, status=403)
        return view(request, *args, **kwargs)

    return wrapped


def _refuse(message: str) -> JsonResponse:
    return JsonResponse({"image": [message]}, status=400)


@require_POST
@staff_only
def markdownify(request):
    return HttpResponse(render_markdown(request.POST.get("content", "")))


def reencode_image(data: bytes) -> tuple[bytes, str]:
    """Returns the re-encoded image and its extension; ValueError with a message for staff."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            detected = probe.format
            probe.verify()
        if detected not in ACCEPTED_FORMATS:
            raise ValueError("Bare PNG- og JPEG-bilder kan lastes opp.")
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ValueError("Bildet har for mange piksler.")
            image.load()
            out = io.BytesIO()
            if detected == "JPEG":
                image.convert("RGB").save(out, format="JPEG", quality=85, optimize=True)
            else:
                image.save(out, format="PNG", optimize=True)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError):
        raise ValueError("Filen er ikke et gyldig PNG- eller JPEG-bilde.") from None
    return out.getvalue(), ACCEPTED_FORMATS[detected]


@require_POST
@staff_only
def upload_image(request):
    upload = request.FILES.get("image")
    if upload is None:
        return _refuse("Velg et bilde å laste opp.")
    if upload.size > settings.MARKDOWNX_UPLOAD_MAX_SIZE:
        return _refuse("Bildet er større enn 5 MB.")
    try:
        data, extension = reencode_image(upload.read())
    except ValueError as error:
        return _refuse(str(error))
    name = default_storage.save(
        f"{settings.MARKDOWNX_MEDIA_PATH}{uuid.uuid4().hex}.{extension}", ContentFile(data)
    )
    url = default_storage.url(name)
    # image_url for our editor, which asks for the alt text (static/portal/js/markdown-editor.js);
    # image_code for markdownx's own drop and paste, which our editor takes over.
    return JsonResponse({"image_url": url, "image_code": f"![]({url})"})


@require_safe
def serve_upload(request, path):
    """Serves MEDIA_ROOT where no proxy does (a local or small deployment).

    Production's proxy serves /media/ itself with the same headers (README). The files were
    re-encoded on upload, but a browser must still never run or sniff anything from here: the
    sandbox makes any document opened from /media/ a scriptless, unique origin.
    """
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    # UUID names never change content, so browsers may keep them.
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
