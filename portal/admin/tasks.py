"""Failed background tasks, for staff: read only, in Norwegian. Replaces django-tasks-db's own
English admin of every result; a failed attempt that will be tried again says so."""

from django.contrib import admin
from django.core.exceptions import SuspiciousOperation
from django.utils.html import format_html
from django_tasks_db.models import DBTaskResult

from portal import tasks
from portal.models import FailedTask
from portal.tasks.retry import ATTEMPT_KWARG, max_attempts

if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)

QUEUE_LABELS = {"default": "E-post (rask)", "pdf": "PDF (treg)"}
ERROR_LABELS = {
    "ReceiptNotSent": "E-posten ble ikke sendt",
    "SMTPException": "E-posttjeneren svarte ikke som ventet",
}


@admin.register(FailedTask)
class FailedTaskAdmin(admin.ModelAdmin):
    list_display = ("finished", "task_label", "queue", "attempt", "next_step", "error")
    list_filter = ("queue_name",)
    ordering = ("-finished_at",)
    fields = (
        "task_label",
        "queue",
        "attempt",
        "next_step",
        "arguments",
        "enqueued_at",
        "started_at",
        "finished",
        "error",
        "details",
    )
    readonly_fields = fields
    list_per_page = 50

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status="FAILED")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="oppgave")
    def task_label(self, obj):
        name = obj.task_path.rsplit(".", 1)[-1]
        return tasks.TASK_LABELS.get(name, name)

    @admin.display(description="kø", ordering="queue_name")
    def queue(self, obj):
        return QUEUE_LABELS.get(obj.queue_name, obj.queue_name)

    @admin.display(description="forsøk")
    def attempt(self, obj):
        return f"{_attempt(obj)} av {_limit(obj)}"

    @admin.display(description="videre")
    def next_step(self, obj):
        if _attempt(obj) < _limit(obj):
            return "Prøves igjen automatisk"
        return "Gitt opp: må følges opp"

    @admin.display(description="feilet", ordering="finished_at")
    def finished(self, obj):
        return obj.finished_at

    @admin.display(description="feil")
    def error(self, obj):
        name = obj.exception_class_path.rsplit(".", 1)[-1]
        return ERROR_LABELS.get(name, name or "–")

    @admin.display(description="hva oppgaven fikk")
    def arguments(self, obj):
        args = obj.args_kwargs.get("args", [])
        kwargs = {k: v for k, v in obj.args_kwargs.get("kwargs", {}).items() if k != ATTEMPT_KWARG}
        return ", ".join([*map(str, args), *(f"{k}={v}" for k, v in kwargs.items())]) or "–"

    @admin.display(description="teknisk feilmelding")
    def details(self, obj):
        return format_html("<pre>{}</pre>", obj.traceback) if obj.traceback else "–"


def _attempt(obj) -> int:
    return int(obj.args_kwargs.get("kwargs", {}).get(ATTEMPT_KWARG, 1))


def _limit(obj) -> int:
    try:
        return max_attempts(obj.task)
    except (ImportError, SuspiciousOperation):
        return _attempt(obj)  # the task no longer exists: nothing will try it again
