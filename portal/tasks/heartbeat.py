"""Which queues have a worker: each worker process writes its heartbeat row while it runs, and
`/health/ready` reads them. In the database, not the cache: without REDIS_URL the cache is local
to each process, and the database is what every app server and worker already share."""

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend

from portal.models import WorkerHeartbeat

FORGET_AFTER = dt.timedelta(days=1)


def beat(worker_id: str, queues: list[str], *, busy: bool = False) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"queues": ",".join(queues), "seen_at": now, "busy_since": now if busy else None},
    )


def stop(worker_id: str) -> None:
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def forget_old(now: dt.datetime | None = None) -> None:
    """Rows of workers that were killed without a goodbye (each start has a new id)."""
    now = now or timezone.now()
    WorkerHeartbeat.objects.filter(seen_at__lt=now - FORGET_AFTER).delete()


def queues_without_worker(now: dt.datetime | None = None) -> list[str]:
    """The configured queues that no worker has served lately (one query). Empty when tasks do
    not need workers (the immediate backend)."""
    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    if not isinstance(backend, DatabaseBackend):
        return []
    now = now or timezone.now()
    alive = WorkerHeartbeat.objects.filter(
        Q(seen_at__gte=now - dt.timedelta(seconds=settings.TASKS_WORKER_TIMEOUT))
        | Q(busy_since__gte=now - dt.timedelta(seconds=settings.TASKS_BUSY_TIMEOUT))
    )
    served = {
        name for queues in alive.values_list("queues", flat=True) for name in queues.split(",")
    }
    if "*" in served:
        return []
    return sorted(name for name in backend.queues if name not in served)
