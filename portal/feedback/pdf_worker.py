"""The child process that opens a respondent's PDF: `python -m portal.feedback.pdf_worker`.

PDF parsers have a history of denial-of-service bugs, so nothing in the web or task process ever
parses a respondent's file: this process does, and it first limits its own CPU time, memory and
output size (resource.setrlimit, before a byte of the file is read). The parent
(portal/feedback/pdf_safety.py) also kills it after a wall-clock timeout. No Django here: it
starts fast and holds no database connection or secret.

    check IN            is it a PDF we accept? prints {"ok": true, "pages": n} or {"ok": false,
                        "reason": "not-pdf" | "password" | "malformed" | "too-many-pages" |
                        "polyglot"}
    sanitise IN OUT     writes the copy staff open (JavaScript, open and launch actions,
                        embedded files removed) and prints {"ok": true, "pages": n, "text": ...}
"""

import argparse
import json
import resource
import sys

HEADER = b"%PDF-"
MAX_PAGES = 2000
MAX_TEXT = 500_000  # characters of extracted text kept for search
# Direct objects nested deeper are not searched (qpdf itself refuses nesting past 500).
MAX_DEPTH = 100
# Action types that run something, leave the document or talk to the network on their own.
HOSTILE_ACTIONS = {
    "/JavaScript",
    "/Launch",
    "/SubmitForm",
    "/ImportData",
    "/ResetForm",
    "/GoToE",
    "/GoToR",
    "/Rendition",
    "/RichMediaExecute",
    "/Sound",
    "/Movie",
}
# Keys that hold scripts, automatic actions or files inside the file.
HOSTILE_KEYS = (
    "/JS",
    "/AA",
    "/OpenAction",
    "/EmbeddedFiles",
    "/EF",
    "/AF",
    "/XFA",
    "/RichMediaContent",
)


class Refused(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def limit(cpu_seconds: int, memory_mb: int, output_mb: int) -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    output = output_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_FSIZE, (output, output))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def check_bytes(path: str) -> None:
    """By content, before any parser: the PDF header first, nothing but padding after the end."""
    with open(path, "rb") as file:
        head = file.read(1024)
        if not head.startswith(HEADER):
            raise Refused("not-pdf")
        file.seek(0, 2)
        size = file.tell()
        file.seek(max(0, size - 4096))
        tail = file.read()
    end = tail.rfind(b"%%EOF")
    if end < 0:
        raise Refused("malformed")
    # Another format appended after the PDF's end (a ZIP, HTML, a script): a polyglot.
    if tail[end + 5 :].strip(b"\r\n\t \x00"):
        raise Refused("polyglot")


def open_pdf(path: str):
    import pikepdf

    try:
        pdf = pikepdf.open(path)
    except pikepdf.PasswordError:
        raise Refused("password") from None
    except (pikepdf.PdfError, ValueError, RecursionError):
        raise Refused("malformed") from None
    try:
        # The count the page tree claims first: a cheap refusal of a huge tree that says so.
        claimed = pdf.Root.Pages.get("/Count", 0)
        if isinstance(claimed, int) and claimed > MAX_PAGES:
            raise Refused("too-many-pages")
        pages = len(pdf.pages)
    except (pikepdf.PdfError, RecursionError, ValueError, AttributeError, TypeError):
        raise Refused("malformed") from None
    if pages == 0:
        raise Refused("malformed")
    if pages > MAX_PAGES:
        raise Refused("too-many-pages")
    return pdf, pages


def _is_hostile_action(obj, pikepdf) -> bool:
    kind = obj.get("/S")
    return isinstance(kind, pikepdf.Name) and str(kind) in HOSTILE_ACTIONS


def _strip(root, pikepdf) -> int:
    removed = 0
    stack = [(root, 0)]
    while stack:
        obj, depth = stack.pop()
        if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
            for key in HOSTILE_KEYS:
                if key in obj:
                    del obj[key]
                    removed += 1
            if _is_hostile_action(obj, pikepdf):
                for key in list(obj.keys()):
                    del obj[key]
                removed += 1
                continue
            children = [obj[key] for key in list(obj.keys())]
        elif isinstance(obj, pikepdf.Array):
            children = list(obj)
        else:
            continue
        if depth < MAX_DEPTH:
            # Indirect children are visited as objects of their own.
            stack.extend(
                (child, depth + 1)
                for child in children
                if isinstance(child, pikepdf.Object) and not child.is_indirect
            )
    return removed


def sanitise(source: str, target: str) -> dict:
    import pikepdf

    pdf, pages = open_pdf(source)
    removed = 0
    with pdf:
        # Every indirect object, and the direct dictionaries and arrays inside each.
        for obj in [pdf.trailer, *pdf.objects]:
            removed += _strip(obj, pikepdf)
        names = pdf.Root.get("/Names")
        if isinstance(names, pikepdf.Dictionary) and "/JavaScript" in names:
            del names["/JavaScript"]
            removed += 1
        for page in pdf.pages:
            annots = page.obj.get("/Annots")
            if isinstance(annots, pikepdf.Array):
                kept = [
                    a
                    for a in annots
                    if not (
                        isinstance(a, pikepdf.Dictionary) and a.get("/Subtype") == "/FileAttachment"
                    )
                ]
                if len(kept) != len(annots):
                    removed += len(annots) - len(kept)
                    page.obj["/Annots"] = pikepdf.Array(kept)
            if "/A" in page.obj:
                del page.obj["/A"]
        # A full rewrite: incremental updates and anything after the end are left behind.
        pdf.save(target, fix_metadata_version=False, compress_streams=True)
    text = extract_text(target)
    return {"ok": True, "pages": pages, "removed": removed, "text": text}


def extract_text(path: str) -> str:
    from pypdf import PdfReader

    reader = PdfReader(path)
    parts, total = [], 0
    for page in reader.pages:
        try:
            piece = page.extract_text() or ""
        except Exception:
            piece = ""
        parts.append(piece)
        total += len(piece)
        if total >= MAX_TEXT:
            break
    return "\n".join(parts)[:MAX_TEXT]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="pdf_worker")
    parser.add_argument("--cpu", type=int, default=20)
    parser.add_argument("--memory", type=int, default=768, help="MB of address space")
    parser.add_argument("--output", type=int, default=64, help="MB per written file")
    parser.add_argument("command", choices=["check", "sanitise"])
    parser.add_argument("source")
    parser.add_argument("target", nargs="?")
    args = parser.parse_args(argv)
    limit(args.cpu, args.memory, args.output)
    try:
        check_bytes(args.source)
        if args.command == "check":
            pdf, pages = open_pdf(args.source)
            pdf.close()
            result = {"ok": True, "pages": pages}
        else:
            result = sanitise(args.source, args.target)
    except Refused as refusal:
        result = {"ok": False, "reason": refusal.reason}
    except MemoryError:
        result = {"ok": False, "reason": "too-complex"}
    except Exception:  # a parser's surprise is a file we cannot read
        result = {"ok": False, "reason": "malformed"}
    sys.stdout.write(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
