import logging
import textwrap
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import translation

from portal import cache as page_cache
from portal import reading

# The workspace's fixtures (two counties, their members, ministry staff).
pytest_plugins = ["tests.workspace_helpers"]

MINIMAL_CONTENT = {
    "themes.yaml": """
        - slug: gronn-omstilling
          name: Grønn omstilling
          description: Overgang til lavutslipp.
    """,
    "sources.yaml": """
        - slug: nifu-2022-7
          title: Målrettede samfunnsoppdrag i Norge
          publisher: NIFU
          year: 2022
          url: "https://example.org/nifu.pdf"
          kind: rapport
          note: En rapport.
    """,
    "glossary.yaml": """
        - slug: nisje
          term: Nisje
          definition: Et avgrenset område der regionen kan bli **god**.
    """,
    "steps/1-analyse.md": """
        ---
        slug: analyse
        order: 1
        name: Analyse
        summary: Finn regionens styrker.
        questions:
          - Hva er vi gode på?
          - Hvem vet mest om det?
        roles:
          - Tilby analyser
        eu_elements:
          - Analyse (strategiutvikling, 2012)
        ---
        ## Hva steget handler om

        Du kartlegger styrker i økonomien.
    """,
    "chapters/01-om.md": """
        ---
        slug: om-veilederen
        title: Om veilederen
        part: innledning
        order: 1
        lead: Hvem veilederen er for.
        steps: [analyse]
        ---
        ## Økonomi og æøå

        Tekst om økonomi.

        ## Neste del

        Mer tekst.
    """,
    "chapters/02-hva.md": """
        ---
        slug: hva-er-smart-spesialisering
        title: Hva er smart spesialisering?
        part: innledning
        order: 2
        lead: En metode.
        ---
        ## Metoden

        Slik virker den.
    """,
    "examples/symbiose.md": """
        ---
        slug: industriell-symbiose
        title: Industriell symbiose
        summary: Restvarme blir en ressurs.
        region: Forslag fra arbeidsgruppe (2022)
        kind: kilde
        steps: [analyse]
        themes: [gronn-omstilling]
        sources: [nifu-2022-7]
        ---
        Bedrifter deler ressurser.
    """,
    "pages/om.md": """
        ---
        slug: om
        title: Om nettstedet
        ---
        Dette nettstedet viser veilederen.
    """,
    "consultations/innspill.md": """
        ---
        slug: innspill-veileder
        title: Innspill til veilederen
        opens_at: 2026-01-01T00:00:00+01:00
        closes_at: 2036-03-01T12:00:00+01:00
        questions:
          - text: Er veilederen nyttig?
            help: Svar kort.
            required: true
          - text: Andre innspill?
        ---
        Vi vil gjerne høre fra deg.
    """,
}


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture(autouse=True)
def test_settings(settings, tmp_path):
    # Tests run with production settings; Django's test client speaks plain HTTP. Tests of the
    # HTTPS redirect itself switch it back on.
    settings.SECURE_SSL_REDIRECT = False
    # Admin tests log in with force_login; tests/test_staff_accounts.py switches the second
    # factor back on and proves it.
    settings.STAFF_REQUIRE_2FA = False
    # Real hashing costs ~0.3 s per user created; tests never need its strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Each test starts with an empty page cache and its own content version.
    settings.CONTENT_VERSION_FILE = tmp_path / "content-version"
    cache.clear()
    page_cache.clear_local()
    reading.clear_local()
    # A request to /nn/ leaves nynorsk active in the thread; each test starts in bokmål.
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def redis_is_there(request):
    """A test marked `redis` fails at once, saying what is missing, when Redis is not running."""
    if request.node.get_closest_marker("redis") is None:
        return
    import redis

    from tests.servers import TEST_REDIS_URL

    try:
        redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        pytest.fail(f"This test needs Redis at {TEST_REDIS_URL} (make test expects it): {error}")


def _only_test_transactions(connection) -> bool:
    return all(getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


@pytest.fixture(autouse=True)
def commit_points_run_on_commit_callbacks(monkeypatch):
    """A test runs inside a transaction that is rolled back, so on_commit callbacks (the content
    version, the search vocabulary, receipts) would never run. Run them where production would
    commit: at once outside the code's own transactions, or when its outermost one ends well.
    Callbacks of a rolled-back block are dropped by Django, as in production."""
    on_commit = BaseDatabaseWrapper.on_commit
    atomic_exit = transaction.Atomic.__exit__

    def on_commit_at_commit_points(self, func, robust=False):
        if not (self.in_atomic_block and _only_test_transactions(self)):
            return on_commit(self, func, robust)
        try:  # now, as in autocommit
            func()
        except Exception:
            if not robust:
                raise
            logging.getLogger("django.db.backends.base").exception("on_commit %s failed", func)
        return None

    def exit_at_commit_points(self, exc_type, exc_value, traceback):
        result = atomic_exit(self, exc_type, exc_value, traceback)
        connection = transaction.get_connection(self.using)
        if exc_type is None and connection.in_atomic_block and _only_test_transactions(connection):
            pending, connection.run_on_commit = connection.run_on_commit, []
            for _, func, robust in pending:
                on_commit_at_commit_points(connection, func, robust)
        return result

    monkeypatch.setattr(BaseDatabaseWrapper, "on_commit", on_commit_at_commit_points)
    monkeypatch.setattr(transaction.Atomic, "__exit__", exit_at_commit_points)


@pytest.fixture
def run_tasks(monkeypatch):
    """Run the task worker in-process, in batch mode, until no task of `queue` is ready: what the
    worker processes do in production. Returns how many tasks ran. Deferred tasks wait for their
    time (move it with time_machine)."""
    from django_tasks_db.management.commands import db_worker

    from portal.tasks import worker

    # The worker drops a connection whose autocommit differs from the settings, as it always
    # does inside a test's transaction.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run(queue: str = "*") -> int:
        return worker.run([queue], batch=True, worker_id="test-worker")

    return run


@pytest.fixture
def content_dir(tmp_path):
    return write_tree(tmp_path / "content", MINIMAL_CONTENT)


@pytest.fixture
def imported(db, content_dir):
    from portal.content import import_content

    import_content(content_dir)
    return content_dir


@pytest.fixture
def staff_user(db):
    return User.objects.create_user("redaktor", password="et-langt-passord-1", is_staff=True)


@pytest.fixture
def editor(db):
    user = User.objects.create_user("skribent", password="et-langt-passord-1", is_staff=True)
    user.groups.add(Group.objects.get(name="Redaktør"))
    return user


@pytest.fixture
def publisher(db):
    user = User.objects.create_user("publisist", password="et-langt-passord-1", is_staff=True)
    user.groups.add(Group.objects.get(name="Publisist"))
    return user


# --- Feedback (innspill) ---------------------------------------------------------------------

OPEN_FROM = "2026-01-01T00:00:00+01:00"
OPEN_UNTIL = "2036-03-01T12:00:00+01:00"


def make_consultation(slug="innspill-test", opens_at=OPEN_FROM, closes_at=OPEN_UNTIL, **extra):
    import datetime as dt

    from portal.models import Consultation, ConsultationQuestion, Status

    consultation = Consultation.objects.create(
        slug=slug,
        title=extra.pop("title", "Innspill til veilederen"),
        introduction="Vi vil gjerne høre fra deg.",
        opens_at=dt.datetime.fromisoformat(opens_at),
        closes_at=dt.datetime.fromisoformat(closes_at),
        status=extra.pop("status", Status.PUBLISHED),
        **extra,
    )
    for order, (text, required) in enumerate(
        [
            ("Vil veilederen være nyttig?", True),
            ("Hva fungerer godt?", False),
            ("Har du andre innspill?", False),
        ],
        start=1,
    ):
        ConsultationQuestion.objects.create(
            consultation=consultation,
            order=order,
            text=text,
            help_text="Svar kort." if required else "",
            required=required,
        )
    return consultation


def feedback_form_data(consultation, **overrides):
    """A valid submission of the feedback form for `consultation`, with a fresh token."""
    import uuid

    questions = list(consultation.questions.order_by("order"))
    data = {
        "name": "Kari Nordmann",
        "organisation": "Vestland fylkeskommune",
        "respondent_type": "fylkeskommune",
        "county": "46",
        "email": "",
        "publication": "med-navn",
        "nettsted": "",
        "token": str(uuid.uuid4()),
    }
    for question in questions:
        data[f"svar_{question.pk}"] = ""
    data[f"svar_{questions[0].pk}"] = "Ja, særlig kapitlet om økonomi."
    data.update(overrides)
    return data


def add_feedback(consultation, *, answers=None, **fields):
    """Input as if sent through the form, stored directly: for tests of what staff do with it."""
    import uuid

    from portal.models import Feedback, FeedbackAnswer

    values = {
        "name": "Ola Nordmann",
        "organisation": "Agder fylkeskommune",
        "respondent_type": Feedback.RespondentType.COUNTY,
        "county": "42",
        "publication": Feedback.Publication.WITH_NAME,
        "email": "ola@example.no",
    }
    values.update(fields)
    values.setdefault("reference", f"VS-2026-{uuid.uuid4().hex[:4].upper()}")
    feedback = Feedback.objects.create(
        consultation=consultation, idempotency_key=uuid.uuid4(), **values
    )
    questions = list(consultation.questions.order_by("order"))
    for question, text in zip(questions, answers or ["Nyttig."], strict=False):
        if text:
            FeedbackAnswer.objects.create(feedback=feedback, question=question, text=text)
    return feedback


@pytest.fixture
def consultation(db):
    return make_consultation()


@pytest.fixture
def caseworker(db):
    user = User.objects.create_user("saksbehandler", password="et-langt-passord-1", is_staff=True)
    user.groups.add(Group.objects.get(name="Saksbehandler"))
    return user
