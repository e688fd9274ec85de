"""The worker process: django-tasks-db's worker, one task at a time, with a heartbeat.

django-tasks-db's loop has no hook between tasks, so this loop runs its worker for at most one
task per round and writes the heartbeat between rounds (and before and after each task, marking
the worker busy while one runs). Signals are django-tasks-db's: SIGTERM or Ctrl+C lets a running
task finish, a second one stops it.
"""

import logging
import time

from django.tasks import DEFAULT_TASK_BACKEND_ALIAS
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from portal.tasks import heartbeat

logger = logging.getLogger(__name__)

BEAT_EVERY = 10  # seconds between heartbeats of an idle worker (the health check allows 60)


class HeartbeatWorker(Worker):
    def run_task(self, db_task_result) -> None:
        heartbeat.beat(self.worker_id, self.queue_names, busy=True)
        try:
            super().run_task(db_task_result)
        finally:
            heartbeat.beat(self.worker_id, self.queue_names)


def run(
    queues: list[str],
    *,
    batch: bool = False,
    interval: float = 1.0,
    worker_id: str | None = None,
) -> int:
    """Serve `queues` ("*" for all) until stopped, or, with `batch`, until none of their tasks is
    ready to run. Returns the number of tasks run."""
    worker = HeartbeatWorker(
        queue_names=queues,
        interval=0,
        batch=True,  # each round: one task, or none when the queue is empty
        backend_name=DEFAULT_TASK_BACKEND_ALIAS,
        startup_delay=False,
        max_tasks=1,
        worker_id=worker_id or get_random_string(32),
        excluded_queue_names=[],
    )
    if not batch:
        worker.configure_signals()
        logger.info("Worker %s serves the queues %s", worker.worker_id, ",".join(queues))
    heartbeat.forget_old()
    total, last_beat = 0, 0.0
    try:
        while worker.running:
            if time.monotonic() - last_beat >= BEAT_EVERY:
                heartbeat.beat(worker.worker_id, queues)
                last_beat = time.monotonic()
            worker._run_tasks = 0
            worker.run()
            total += worker._run_tasks
            if worker._run_tasks:
                last_beat = time.monotonic()  # run_task has just beaten
            elif batch:
                break
            else:
                time.sleep(interval)
    finally:
        if not batch:
            heartbeat.stop(worker.worker_id)
    return total
