from django.urls import path

from portal import views
from portal.cache import public_page
from portal.feedback import draft_views, page_views
from portal.feedback import views as feedback_views
from portal.feeds import ChangesFeed
from portal.workspace import account_views as workspace_accounts
from portal.workspace import national_views as workspace_national
from portal.workspace import views as workspace_views

app_name = "portal"

# The public portal, in both written forms: veileder/urls.py puts these under i18n_patterns, so
# bokmål is at /innspill/ and nynorsk at /nn/innspill/. Addresses for machines (sitemap, robots,
# health) are one per site and live in veileder/urls.py, unprefixed.

urlpatterns = [
    path("", views.home, name="home"),
    path("veileder/", views.chapter_list, name="chapter_list"),
    # Before the chapters: no chapter may take the slug "hele".
    path("veileder/hele/", views.guide_whole, name="guide_whole"),
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
    path(
        "steg/<slug:slug>/arbeidsark-a3.pdf",
        views.workshop_sheet_pdf,
        {"paper": "a3"},
        name="workshop_sheet_pdf_a3",
    ),
    path("eksempler/", views.example_list, name="example_list"),
    path("eksempler/<slug:slug>/", views.example_detail, name="example_detail"),
    path("begreper/", views.glossary, name="glossary"),
    path("kilder/", views.source_list, name="source_list"),
    path("sok/", views.search, name="search"),
    path("veileder.pdf", views.guide_pdf, name="guide_pdf"),
    path("kortversjon/", views.short_version, name="short_version"),
    path("kortversjon.pdf", views.short_version_pdf, name="short_version_pdf"),
    path("plakat.pdf", views.poster_pdf, name="poster_pdf"),
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
    # A draft's address is its key (portal/feedback/drafts.py); the logs never show it.
    path("innspill/utkast/<str:token>/", draft_views.draft_page, name="feedback_draft"),
    # The county workspaces (portal/workspace/): for members and, where shared, the ministry.
    path("arbeidsrom/", workspace_accounts.home, name="workspace_home"),
    path("arbeidsrom/logg-inn/", workspace_accounts.login_request, name="workspace_login"),
    path("arbeidsrom/logg-inn/<str:token>/", workspace_accounts.link, name="workspace_link"),
    path("arbeidsrom/logg-ut/", workspace_accounts.logout_view, name="workspace_logout"),
    path("arbeidsrom/nasjonalt/", workspace_national.national_picture, name="workspace_national"),
    path(
        "arbeidsrom/nasjonalt.xlsx",
        workspace_national.national_xlsx,
        name="workspace_national_xlsx",
    ),
    path("arbeidsrom/<uuid:key>/", workspace_views.workspace_detail, name="workspace_detail"),
    path("arbeidsrom/<uuid:key>/start/", workspace_views.start_year, name="workspace_start"),
    path(
        "arbeidsrom/<uuid:key>/medlemmer/", workspace_accounts.member_list, name="workspace_members"
    ),
    path(
        "arbeidsrom/<uuid:key>/medlemmer/<int:pk>/fjern/",
        workspace_accounts.member_remove,
        name="workspace_member_remove",
    ),
    path("arbeidsrom/<uuid:key>/deling/", workspace_accounts.sharing, name="workspace_sharing"),
    path(
        "arbeidsrom/<uuid:key>/<int:year>/",
        workspace_views.assessment_detail,
        name="workspace_assessment",
    ),
    path(
        "arbeidsrom/<uuid:key>/<int:year>/steg/<slug:slug>/",
        workspace_views.step_edit,
        name="workspace_step",
    ),
    path(
        "arbeidsrom/<uuid:key>/<int:year>/status/",
        workspace_views.assessment_status,
        name="workspace_status",
    ),
    path(
        "arbeidsrom/<uuid:key>/<int:year>/sammenligning/",
        workspace_views.compare,
        name="workspace_compare",
    ),
    path(
        "arbeidsrom/<uuid:key>/<int:year>/endringer/",
        workspace_views.change_log,
        name="workspace_history",
    ),
    path(
        "arbeidsrom/<uuid:key>/<int:year>/rapport.csv",
        workspace_views.report_csv,
        name="workspace_csv",
    ),
    path(
        "arbeidsrom/<uuid:key>/<int:year>/rapport.pdf",
        workspace_views.report_pdf,
        name="workspace_pdf",
    ),
    path("nyttig/", page_views.page_rating_view, name="page_rating"),
    path("nyttig/takk/", page_views.page_rating_thanks, name="page_rating_thanks"),
    # Pages (om, personvern, tilgjengelighet, kortversjon, ...) last: they take any free slug.
    path("<slug:slug>/", views.page_detail, name="page_detail"),
]
