"""Staff handling of input as functions: the rules hold whoever calls them, admin or shell."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission, User
from django.core.exceptions import ValidationError

from portal.feedback import handling
from portal.models import Feedback
from tests.conftest import add_feedback

pytestmark = pytest.mark.django_db


def log_messages(feedback):
    return list(
        LogEntry.objects.filter(object_id=str(feedback.pk), action_flag=CHANGE)
        .order_by("pk")
        .values_list("user__username", "change_message")
    )


@pytest.fixture
def reader(db):
    """Staff who may read input and change its status, but not approve it."""
    user = User.objects.create_user("leser", password="et-langt-passord-1", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_feedback", "change_feedback"])
    )
    return User.objects.get(pk=user.pk)  # a fresh object: permissions are cached per object


def test_a_status_change_is_saved_and_logged_under_the_user(caseworker, consultation):
    items = [add_feedback(consultation) for _ in range(3)]
    done = Feedback.objects.filter(pk__in=[items[0].pk, items[1].pk])
    outcome = handling.set_status(done, Feedback.Status.DONE, caseworker)
    assert outcome == handling.Outcome(changed=2)
    assert sorted(Feedback.objects.values_list("status", flat=True)) == [
        "behandlet",
        "behandlet",
        "ny",
    ]
    assert log_messages(items[0]) == [("saksbehandler", "Status: Behandlet")]
    assert log_messages(items[2]) == []
    again = handling.set_status(done, Feedback.Status.DONE, caseworker)
    assert again.changed == 0, "a row that has the status already is left alone, and not logged"
    assert len(log_messages(items[0])) == 1


def test_spam_and_rejected_input_loses_its_approval(caseworker, consultation):
    approved = add_feedback(consultation, publication_approved=True)
    handling.set_status(Feedback.objects.filter(pk=approved.pk), "spam", caseworker)
    approved.refresh_from_db()
    assert (approved.status, approved.publication_approved) == ("spam", False)
    assert approved.publication_approved_at is None


def test_approving_logs_and_counts_what_the_rules_refused(caseworker, consultation):
    allowed = add_feedback(consultation, publication=Feedback.Publication.ANONYMOUS)
    refused = add_feedback(consultation, publication=Feedback.Publication.NONE)
    spam = add_feedback(consultation, status=Feedback.Status.SPAM)
    selected = Feedback.objects.filter(pk__in=[allowed.pk, refused.pk, spam.pk])
    outcome = handling.approve_publication(selected, caseworker)
    assert outcome == handling.Outcome(changed=1, refused=2)
    allowed.refresh_from_db()
    assert allowed.publication_approved and allowed.publication_approved_at
    assert log_messages(allowed) == [("saksbehandler", "Godkjent for publisering")]
    assert log_messages(refused) == [] and log_messages(spam) == []
    assert not Feedback.objects.filter(pk__in=[refused.pk, spam.pk], publication_approved=True)


def test_withdrawing_logs(caseworker, consultation):
    item = add_feedback(consultation)
    handling.approve_publication(Feedback.objects.filter(pk=item.pk), caseworker)
    outcome = handling.withdraw_publication(Feedback.objects.filter(pk=item.pk), caseworker)
    assert outcome.changed == 1
    item.refresh_from_db()
    assert (item.publication_approved, item.publication_approved_at) == (False, None)
    assert log_messages(item)[-1] == (
        "saksbehandler",
        "Godkjenning for publisering trukket tilbake",
    )


@pytest.mark.parametrize(
    "call",
    [
        lambda rows, user: handling.approve_publication(rows, user),
        lambda rows, user: handling.withdraw_publication(rows, user),
    ],
    ids=["approve", "withdraw"],
)
def test_a_caseworker_without_the_approval_permission_is_refused_by_the_service(
    reader, consultation, call
):
    item = add_feedback(consultation)
    Feedback.objects.filter(pk=item.pk).update(publication_approved=True)
    rows = Feedback.objects.filter(pk=item.pk)
    with pytest.raises(handling.HandlingNotAllowed):
        call(rows, reader)
    assert rows.get().publication_approved is True
    assert log_messages(item) == []


def test_staff_without_permission_on_input_cannot_change_its_status(staff_user, consultation):
    item = add_feedback(consultation)
    with pytest.raises(handling.HandlingNotAllowed):
        handling.set_status(Feedback.objects.filter(pk=item.pk), "avvist", staff_user)
    item.refresh_from_db()
    assert item.status == Feedback.Status.NEW
    assert log_messages(item) == []


def test_saving_one_input_checks_the_approval_rules(caseworker, reader, consultation):
    item = add_feedback(consultation)
    item.publication_approved = True
    with pytest.raises(handling.HandlingNotAllowed):
        handling.save_handling(item, reader, ["publication_approved"])
    handling.save_handling(item, caseworker, ["publication_approved"])
    item.refresh_from_db()
    assert item.publication_approved and item.publication_approved_at

    private = add_feedback(consultation, publication=Feedback.Publication.NONE)
    private.publication_approved = True
    with pytest.raises(ValidationError, match="ikke skal publiseres"):
        handling.save_handling(private, caseworker, ["publication_approved"])


def test_saving_one_input_as_rejected_drops_its_approval(reader, consultation):
    item = add_feedback(consultation, publication_approved=True)
    item.status = Feedback.Status.REJECTED
    handling.save_handling(item, reader, ["status"])
    item.refresh_from_db()
    assert (item.status, item.publication_approved) == ("avvist", False)
