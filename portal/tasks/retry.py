"""A bounded retry with back-off, which neither django.tasks nor django-tasks-db has.

`retrying_task` is `@task` with one addition: when the function raises, the same task is
enqueued again (same arguments, `retry_attempt` one higher) to run after a delay that doubles
each time, until TASKS_RETRY_ATTEMPTS attempts in all have failed. Every failed attempt stays a
failed result (staff see them in the admin, with the attempt), and the exception is raised
again, so the worker records it. Tasks must therefore be idempotent and take ids, not objects.
"""

import datetime as dt
import functools
import logging

from django.conf import settings
from django.tasks import Task, task
from django.utils import timezone

logger = logging.getLogger(__name__)

ATTEMPT_KWARG = "retry_attempt"


def max_attempts(task_obj: Task) -> int:
    return getattr(task_obj.func, "max_attempts", None) or settings.TASKS_RETRY_ATTEMPTS


def retry_delay(attempt: int) -> dt.timedelta:
    """How long after failed attempt number `attempt` (1, 2, ...) the next one runs."""
    return dt.timedelta(seconds=settings.TASKS_RETRY_DELAY * 2 ** (attempt - 1))


def retrying_task(*, attempts: int | None = None, **task_options):
    """@task(**task_options) with a retry. `attempts` overrides TASKS_RETRY_ATTEMPTS."""

    def decorate(func):
        @functools.wraps(func)
        def run(*args, retry_attempt: int = 1, **kwargs):
            try:
                return func(*args, **kwargs)
            except Exception:
                _after_failure(run.task, args, kwargs, retry_attempt)
                raise

        run.max_attempts = attempts
        run.task = task(**task_options)(run)
        return run.task

    return decorate


def _after_failure(task_obj: Task, args: tuple, kwargs: dict, attempt: int) -> None:
    limit = max_attempts(task_obj)
    if attempt >= limit:
        logger.error("Task %s failed %d times: no more attempts", task_obj.name, attempt)
        return
    retry = task_obj
    if task_obj.get_backend().supports_defer:
        retry = task_obj.using(run_after=timezone.now() + retry_delay(attempt))
    # The immediate backend (no workers) cannot wait: it tries again at once.
    retry.enqueue(*args, **{ATTEMPT_KWARG: attempt + 1}, **kwargs)
    logger.warning(
        "Task %s failed (attempt %d of %d); trying again in %s",
        task_obj.name,
        attempt,
        limit,
        retry_delay(attempt) if retry is not task_obj else "no time",
    )
