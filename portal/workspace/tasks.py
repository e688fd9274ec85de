"""The workspace's background work: e-mail on the punctual `default` queue (login links and
invitations), the county's report on the slow `pdf` queue. Tasks take ids; a link is made
when the mail is sent, so no token waits in the queue's table."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from portal.models import Assessment, Membership
from portal.tasks.retry import retrying_task
from portal.workspace import login


def _absolute(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def _send(to: str, subject: str, template: str, context: dict) -> None:
    body = render_to_string(template, {**context, "site_url": settings.SITE_URL})
    EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to]).send(
        using="default"
    )


def _language(language: str) -> str:
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


@retrying_task(queue_name="default")
def mail_login_link(user_id: int, language: str = "nb") -> str:
    user = login.county_accounts().filter(pk=user_id).first()
    if user is None or not user.email:
        return "ingen konto"
    with translation.override(_language(language)):
        link = _absolute("portal:workspace_link", login.make_link_token(user))
        _send(
            user.email,
            gettext("Lenke for å logge inn i arbeidsrommet"),
            "portal/workspace/email/login_link.txt",
            {"link": link, "minutes": settings.SESAME_MAX_AGE // 60},
        )
    return "sendt"


@retrying_task(queue_name="default")
def mail_invitation(membership_id: int, language: str = "nb") -> str:
    membership = (
        Membership.objects.select_related("workspace", "user", "invited_by")
        .filter(pk=membership_id, user__is_active=True, user__is_staff=False)
        .first()
    )
    if membership is None:
        return "ikke lenger medlem"
    with translation.override(_language(language)):
        _send(
            membership.user.email,
            gettext("Invitasjon til arbeidsrommet for %(county)s")
            % {"county": membership.workspace.county_name},
            "portal/workspace/email/invitation.txt",
            {
                "membership": membership,
                "link": _absolute("portal:workspace_link", login.make_link_token(membership.user)),
                "login_url": _absolute("portal:workspace_login"),
                "minutes": settings.SESAME_MAX_AGE // 60,
            },
        )
    return "sendt"


@retrying_task(queue_name="pdf")
def build_report(assessment_id: int, language: str = "nb") -> str:
    from portal.workspace import report  # WeasyPrint and the chart: only where a PDF is made

    assessment = Assessment.objects.select_related("workspace").filter(pk=assessment_id).first()
    if assessment is None:
        return "finnes ikke"
    return report.build(assessment, _language(language)).name
