"""The values an admin change form would send back as it was opened: read from its HTML."""

from html.parser import HTMLParser


class _Form(HTMLParser):
    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if "disabled" in a and tag in ("input", "textarea", "select"):
            return  # a browser does not send a disabled field
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            default = "on" if a.get("type") in ("checkbox", "radio") else ""
            self.data.setdefault(name, []).append(a.get("value") or default)
        elif tag == "textarea" and name:
            self._textarea = name
            self.data.setdefault(name, []).append("")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.data.setdefault(self._select, []).append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][-1] += data


def form_values(html: str) -> dict[str, list[str]]:
    parser = _Form()
    parser.feed(html)
    values = parser.data
    for name in [n for n in values if n.startswith("_") and not n.startswith("_edition")]:
        del values[name]
    values.pop("csrfmiddlewaretoken", None)
    for name in [n for n in values if "__prefix__" in n]:
        del values[name]
    for name in list(values):  # the textarea's first newline is not part of its value
        values[name] = [v[1:] if v.startswith("\n") else v for v in values[name]]
    return values
