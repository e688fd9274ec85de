"""PDF files made in the test, friendly and hostile, as bytes."""

import io
import zipfile

import pikepdf

LETTER_TEXT = "Høringssvar fra Vestland fylkeskommune om klyngesamarbeid"


def _save(pdf: pikepdf.Pdf, **options) -> bytes:
    out = io.BytesIO()
    pdf.save(out, **options)
    return out.getvalue()


def _text_page(pdf: pikepdf.Pdf, text: str) -> None:
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.Type1,
            BaseFont="/Helvetica",
            Encoding=pikepdf.Name.WinAnsiEncoding,
        )
    )
    safe = text.encode("latin-1", "replace").replace(b"(", b"").replace(b")", b"")
    content = b"BT /F1 12 Tf 72 720 Td (" + safe + b") Tj ET"
    page = pikepdf.Page(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=[0, 0, 595, 842],
            Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
            Contents=pdf.make_stream(content),
        )
    )
    pdf.pages.append(page)


def letter(text: str = LETTER_TEXT, pages: int = 1) -> bytes:
    pdf = pikepdf.new()
    for _ in range(pages):
        _text_page(pdf, text)
    return _save(pdf)


def scan() -> bytes:
    """An image-only page: no text to find."""
    pdf = pikepdf.new()
    image = pdf.make_stream(
        b"\x80" * 64,
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Image,
        Width=8,
        Height=8,
        ColorSpace=pikepdf.Name.DeviceGray,
        BitsPerComponent=8,
    )
    page = pikepdf.Page(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=[0, 0, 595, 842],
            Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image)),
            Contents=pdf.make_stream(b"q 500 0 0 700 40 60 cm /Im0 Do Q"),
        )
    )
    pdf.pages.append(page)
    return _save(pdf)


def with_scripts() -> bytes:
    """A letter that runs JavaScript on opening, launches a program and carries a file."""
    pdf = pikepdf.new()
    _text_page(pdf, LETTER_TEXT)
    pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS="app.alert('hei')")
    pdf.Root.AA = pikepdf.Dictionary(WC=pikepdf.Dictionary(S=pikepdf.Name.Launch, F="cmd.exe"))
    pdf.pages[0].obj.AA = pikepdf.Dictionary(
        O=pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS="this.print()")
    )
    spec = pikepdf.AttachedFileSpec(pdf, b"MZ-not-really-a-program", filename="verktoy.exe")
    pdf.attachments["verktoy.exe"] = spec
    pdf.Root.Names.JavaScript = pikepdf.Dictionary(
        Names=["start", pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS="1"))]
    )
    return _save(pdf)


def owner_password_only() -> bytes:
    """Opens without a password; only printing and copying are restricted."""
    pdf = pikepdf.open(io.BytesIO(letter()))
    return _save(
        pdf,
        encryption=pikepdf.Encryption(
            owner="eier-passord", user="", allow=pikepdf.Permissions(extract=False)
        ),
    )


def user_password() -> bytes:
    pdf = pikepdf.open(io.BytesIO(letter()))
    return _save(pdf, encryption=pikepdf.Encryption(owner="eier", user="hemmelig"))


def deep_nesting(depth: int = 100_000) -> bytes:
    """An object nested a hundred thousand arrays deep, in an otherwise ordinary file."""
    body = letter()
    nested = b"[" * depth + b"]" * depth
    return _append_object(body, nested)


def huge_page_tree(kids: int = 300_000) -> bytes:
    """A small file whose page tree claims hundreds of thousands of pages (one page, reused)."""
    page = b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] >> endobj\n"
    refs = b" ".join([b"3 0 R"] * kids)
    objects = [
        b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n",
        b"2 0 obj << /Type /Pages /Count %d /Kids [" % kids + refs + b"] >> endobj\n",
        page,
    ]
    return _assemble(objects)


def html_polyglot() -> bytes:
    """An HTML page that also claims to be a PDF further down."""
    return b"<html><script>alert(1)</script></html>\n" + letter()


def zip_polyglot() -> bytes:
    """A real PDF with a ZIP archive appended: opens as either."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("skadelig.js", "alert(1)")
    return letter() + archive.getvalue()


def _assemble(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for obj in objects:
        offsets.append(len(out))
        out += obj
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer << /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _append_object(body: bytes, value: bytes) -> bytes:
    """`body` with one more object in an incremental update, referenced from nothing."""
    pdf = pikepdf.open(io.BytesIO(body))
    size = int(pdf.trailer.Size)
    root = pdf.trailer.Root.objgen[0]
    offset = len(body)
    update = b"%d 0 obj " % size + value + b" endobj\n"
    xref = offset + len(update)
    update += b"xref\n%d 1\n%010d 00000 n \n" % (size, offset)
    update += b"trailer << /Size %d /Root %d 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (
        size + 1,
        root,
        _startxref(body),
        xref,
    )
    return body + update


def _startxref(body: bytes) -> int:
    tail = body[body.rfind(b"startxref") :]
    return int(tail.split()[1])
