"""The Markdown editor of the admin: django-markdownx's textarea and live preview, laid out side
by side on a wide screen and stacked on a narrow one, with a short help on the Markdown the
renderer allows (portal/markdown.py) and an image button that asks for the alt text.

Progressive: the template renders a plain textarea that works without JavaScript; our own
static/portal/js/markdown-editor.js shows the preview, the image button and the dialog. No inline
script or style, so it runs under the strict Content Security Policy.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from markdownx.widgets import AdminMarkdownxWidget

from portal.publishing.checks import DECORATIVE_MARKER


class MarkdownEditorWidget(AdminMarkdownxWidget):
    template_name = "admin/portal/markdown_editor.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["editor"] = {
            "decorative_marker": DECORATIVE_MARKER,
            "max_megabytes": settings.MARKDOWNX_UPLOAD_MAX_SIZE // (1024 * 1024),
        }
        return context

    def _render(self, template_name, context, renderer=None):
        # From templates/ like the rest of the admin's templates (the form renderer only looks
        # in Django's and the apps' folders), so the i18n tests check its words too.
        return mark_safe(render_to_string(template_name, context))  # noqa: S308

    class Media:
        extend = False  # markdownx's own CSS sets a fixed width of 610px
        css = {"all": ["portal/css/markdown-editor.css"]}
        js = ["markdownx/js/markdownx.min.js", "portal/js/markdown-editor.js"]
