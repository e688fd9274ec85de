"""What the background tasks leave behind for staff and the health check: the heartbeat of each
worker process, and a Norwegian view of the task results django-tasks-db stores."""

from django.db import models
from django_tasks_db.models import DBTaskResult


class WorkerHeartbeat(models.Model):
    """One row per running worker process (`manage.py run_worker`), written while it runs, so
    every app server can tell whether a queue is being served."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    queues = models.CharField("køer", max_length=200)  # comma-separated, "*" for all
    seen_at = models.DateTimeField("sist sett")
    busy_since = models.DateTimeField("kjører en oppgave siden", null=True, blank=True)

    class Meta:
        verbose_name = "arbeidsprosess"
        verbose_name_plural = "arbeidsprosesser"

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.queues})"

    @property
    def queue_names(self) -> list[str]:
        return [name for name in self.queues.split(",") if name]


class FailedTask(DBTaskResult):
    """django-tasks-db's result rows, shown to staff as the tasks that failed."""

    class Meta:
        proxy = True
        verbose_name = "oppgave som feilet"
        verbose_name_plural = "oppgaver som feilet"
