from django import template

from portal import markdown

register = template.Library()


@register.filter
def rendered(text):
    """The rendered document: `.html` (sanitised) and `.toc` (headings for a contents list)."""
    return markdown.render(text)


@register.filter(name="markdown")
def markdown_filter(text):
    return markdown.render_markdown(text)
