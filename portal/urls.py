from django.urls import path

from portal import views
from portal.cache import public_page
from portal.feedback import views as feedback_views
from portal.feeds import ChangesFeed

app_name = "portal"

# The public portal, in both written forms: veileder/urls.py puts these under i18n_patterns, so
# bokmål is at /innspill/ and nynorsk at /nn/innspill/. Addresses for machines (sitemap, robots,
# health) are one per site and live in veileder/urls.py, unprefixed.

urlpatterns = [
    path("", views.home, name="home"),
    path("veileder/", views.chapter_list, name="chapter_list"),
    path("veileder/<slug:slug>/", views.chapter_detail, name="chapter_detail"),
    path("steg/", views.step_list, name="step_list"),
    path("steg/<slug:slug>/", views.step_detail, name="step_detail"),
    path("steg/<slug:slug>/arbeidsark/", views.workshop_sheet, name="workshop_sheet"),
    path("steg/<slug:slug>/arbeidsark.pdf", views.workshop_sheet_pdf, name="workshop_sheet_pdf"),
    path("steg/<slug:slug>/vurderingsskjema/", views.assessment_sheet, name="assessment_sheet"),
    path(
        "steg/<slug:slug>/vurderingsskjema.pdf",
        views.assessment_sheet_pdf,
        name="assessment_sheet_pdf",
    ),
    path("steg/<slug:slug>/mal.xlsx", views.step_workbook, name="step_workbook"),
    path("eksempler/", views.example_list, name="example_list"),
    path("eksempler/<slug:slug>/", views.example_detail, name="example_detail"),
    path("begreper/", views.glossary, name="glossary"),
    path("kilder/", views.source_list, name="source_list"),
    path("sok/", views.search, name="search"),
    path("veileder.pdf", views.guide_pdf, name="guide_pdf"),
    path("kortversjon/", views.short_version, name="short_version"),
    path("kortversjon.pdf", views.short_version_pdf, name="short_version_pdf"),
    path("endringer.atom", public_page(ChangesFeed()), name="feed"),
    path("innspill/", feedback_views.feedback_index, name="feedback_index"),
    path("innspill/kvittering/<uuid:key>/", feedback_views.receipt, name="feedback_receipt"),
    path("innspill/<slug:slug>/", feedback_views.consultation_form, name="feedback_form"),
    path(
        "innspill/<slug:slug>/svar/",
        feedback_views.published_responses,
        name="feedback_responses",
    ),
    path("innspill/<slug:slug>/endringer/", feedback_views.change_log, name="feedback_changes"),
    # Pages (om, personvern, tilgjengelighet, kortversjon, ...) last: they take any free slug.
    path("<slug:slug>/", views.page_detail, name="page_detail"),
]
