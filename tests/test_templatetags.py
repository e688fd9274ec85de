import pytest
from django.utils.safestring import mark_safe

from portal.templatetags.portal_tags import pdf_links


@pytest.mark.parametrize(
    ("link", "inside_the_pdf"),
    [
        ("/veileder/om-veilederen/", "#kapittel-om-veilederen"),
        ("/steg/analyse/", "#steg-analyse"),
        ("/eksempler/industriell-symbiose/", "#eksempel-industriell-symbiose"),
        ("/begreper/#nisje", "#begrep-nisje"),
        ("/kilder/#nifu-2022-7", "#kilde-nifu-2022-7"),
    ],
)
def test_links_to_the_guide_jump_inside_the_whole_guide_pdf(link, inside_the_pdf):
    html = pdf_links(mark_safe(f'<p><a href="{link}">lenke</a></p>'))
    assert f'href="{inside_the_pdf}"' in html


def test_other_links_and_unsafe_text_are_left_as_they_were():
    assert 'href="/innspill/"' in pdf_links(mark_safe('<a href="/innspill/">x</a>'))
    assert "&lt;script&gt;" in pdf_links("<script>")
