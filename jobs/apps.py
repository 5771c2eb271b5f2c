from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = "Background jobs"

    def ready(self) -> None:
        from django.core import checks
        from django_tasks.signals import task_finished

        from .checks import check_scheduled_jobs
        from .retries import requeue_failed_attempt

        task_finished.connect(requeue_failed_attempt, dispatch_uid="jobs.requeue_failed_attempt")
        checks.register(check_scheduled_jobs)
