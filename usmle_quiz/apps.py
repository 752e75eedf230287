from django.apps import AppConfig


class UsmleQuizConfig(AppConfig):
    """The site package itself: what every process (web worker, task worker, command) sets up once."""

    name = "usmle_quiz"
    verbose_name = "USMLE Quiz"

    def ready(self) -> None:
        from django.tasks.signals import task_finished

        from usmle_quiz import error_reports, metrics

        task_finished.connect(metrics.task_finished_counted, dispatch_uid="usmle_quiz.metrics.tasks")
        error_reports.error_reports_init()
