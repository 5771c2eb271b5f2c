"""The queue under real conditions: real worker processes, a real SMTP server, outages and a kill.

The worker runs as `manage.py worker` in its own process against this test's database, and sends
through Django's SMTP backend to an aiosmtpd server started here. Retries, stalls and the
scheduler tick are shortened through the same environment variables production reads.
"""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from checklists import services
from checklists.models import Checklist
from tests.supervision.support import build_template, make_checklist

pytestmark = pytest.mark.django_db(transaction=True)

WAIT_SECONDS = 90


def wait_for(predicate, *, seconds: float = WAIT_SECONDS, what: str = "the condition"):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"Timed out after {seconds}s waiting for {what}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox:
    """An aiosmtpd handler that keeps what it accepts, and can hold a sender mid-conversation."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()
        self.hold = False
        self.held = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.hold:
            self.held.set()
            while self.hold:
                await asyncio.sleep(0.05)
            return "451 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def received(self) -> list:
        with self.lock:
            return list(self.messages)


class SMTPServer:
    def __init__(self):
        self.port = free_port()
        self.mailbox = Mailbox()
        self.controller = None

    def start(self) -> None:
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp():
    server = SMTPServer()
    yield server
    server.stop()


def database_url() -> str:
    """The address of this test's database, for the worker's own connection."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def start_worker(smtp, tmp_path):
    """Start `manage.py worker` processes; each is stopped at the end if still running."""
    processes = []

    def start() -> subprocess.Popen:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": database_url(),
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp.port),
            "EMAIL_TIMEOUT_SECONDS": "5",
            "TASK_RETRY_BASE_SECONDS": "1",
            "TASK_RETRY_MAX_DELAY_SECONDS": "2",
            "TASK_STALLED_AFTER_SECONDS": "3",
            "SCHEDULER_TICK_SECONDS": "1",
        }
        log_path = tmp_path / f"worker-{len(processes)}.log"
        log = log_path.open("w")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            [sys.executable, "manage.py", "worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        process.log_path = log_path
        processes.append((process, log))
        return process

    yield start
    for process, log in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()


@pytest.fixture
def template(db):
    return build_template()


def sign_off_through_the_site(client_for, supervisor, checklist):
    response = client_for(supervisor).post(reverse("supervision:sign_off", kwargs={"pk": checklist.pk}))
    assert response.status_code == 302
    checklist.refresh_from_db()
    assert checklist.status == Checklist.Status.SIGNED_OFF


def the_task():
    return DBTaskResult.objects.get()


def test_sign_off_and_the_email_arrives(client_for, fca, supervisor, template, smtp, start_worker):
    smtp.start()
    start_worker()
    checklist = make_checklist(fca, template)
    sign_off_through_the_site(client_for, supervisor, checklist)

    [message] = wait_for(smtp.mailbox.received, what="the email")
    assert message["To"] == fca.email
    assert message["Subject"] == "Practice Hub: a checklist was signed off"
    assert str(checklist.pk) in message.get_payload()
    assert checklist.case_reference not in message.as_string()
    wait_for(lambda: the_task().status == TaskResultStatus.SUCCESSFUL, what="the task to finish")


def test_with_smtp_down_the_sign_off_succeeds_and_exactly_one_email_arrives_once_it_is_back(
    client_for, fca, supervisor, template, smtp, start_worker
):
    start_worker()
    checklist = make_checklist(fca, template)
    sign_off_through_the_site(client_for, supervisor, checklist)

    # Attempts fail while nothing listens, and each goes back on the queue for later.
    task = wait_for(
        lambda: (task := the_task()).status == TaskResultStatus.READY and len(task.worker_ids) >= 3 and task,
        what="three failed attempts, back on the queue",
    )
    assert task.exception_class_path == "builtins.ConnectionRefusedError"
    assert task.run_after > task.started_at

    smtp.start()
    wait_for(lambda: the_task().status == TaskResultStatus.SUCCESSFUL, what="the retry to succeed")
    time.sleep(3)  # long enough for any duplicate attempt to land
    [message] = smtp.mailbox.received()
    assert message["To"] == fca.email


def test_a_worker_killed_mid_task_leaves_it_to_another_which_sends_it_once(
    client_for, fca, supervisor, template, smtp, start_worker
):
    smtp.mailbox.hold = True
    smtp.start()
    first = start_worker()
    checklist = make_checklist(fca, template)
    sign_off_through_the_site(client_for, supervisor, checklist)

    assert smtp.mailbox.held.wait(WAIT_SECONDS), "the worker never reached the mail server"
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=20)
    smtp.mailbox.hold = False
    assert the_task().status == TaskResultStatus.RUNNING

    second = start_worker()
    wait_for(lambda: the_task().status == TaskResultStatus.SUCCESSFUL, what="the stalled task to be run again")
    time.sleep(3)
    [message] = smtp.mailbox.received()
    assert message["To"] == fca.email
    task = the_task()
    assert len(task.worker_ids) == 2
    assert task.worker_ids[0] != task.worker_ids[1]
    assert second.poll() is None


def test_a_change_that_rolls_back_enqueues_nothing(fca, supervisor, template, smtp, start_worker):
    smtp.start()
    start_worker()
    checklist = make_checklist(fca, template)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.sign_off(checklist=checklist, by=supervisor)
        raise RuntimeError("a later step failed")

    # A committed change afterwards is delivered; the rolled-back one never is.
    other = make_checklist(fca, template)
    services.sign_off(checklist=other, by=supervisor)
    [message] = wait_for(smtp.mailbox.received, what="the committed change's email")
    assert str(other.pk) in message.get_payload()
    assert str(checklist.pk) not in message.get_payload()
    assert DBTaskResult.objects.count() == 1
    checklist.refresh_from_db()
    assert checklist.status == Checklist.Status.SUBMITTED


def test_two_hundred_sign_offs_in_a_burst_are_each_delivered_once(fca, supervisor, template, smtp, start_worker):
    smtp.start()
    checklists = [make_checklist(fca, template) for _ in range(200)]
    for checklist in checklists:
        services.sign_off(checklist=checklist, by=supervisor)
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 200
    # Two workers share the queue, as in production.
    start_worker()
    start_worker()

    wait_for(lambda: len(smtp.mailbox.received()) >= 200, seconds=240, what="200 emails")
    time.sleep(3)
    messages = smtp.mailbox.received()
    assert len(messages) == 200
    links = [message.get_payload().split("/checklists/")[1].split("/")[0] for message in messages]
    assert sorted(links) == sorted(str(checklist.pk) for checklist in checklists)
    assert DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).count() == 200
    runs = DBTaskResult.objects.values_list("worker_ids", flat=True)
    assert all(len(worker_ids) == 1 for worker_ids in runs)


def test_a_person_with_no_address_or_no_longer_active_is_skipped_with_a_log_line(
    fca, other_fca, supervisor, template, smtp, start_worker
):
    smtp.start()
    worker = start_worker()
    fca.email = ""
    fca.save()
    other_fca.is_active = False
    other_fca.save()
    for author in (fca, other_fca):
        services.sign_off(checklist=make_checklist(author, template), by=supervisor)

    wait_for(
        lambda: DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).count() == 2, what="both tasks to end"
    )
    assert set(DBTaskResult.objects.values_list("return_value", flat=True)) == {"skipped"}
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).exists()
    assert smtp.mailbox.received() == []
    log = wait_for(
        lambda: (text := worker.log_path.read_text()).count("Skipped a signed_off email") == 2 and text,
        what="the log lines",
    )
    assert f"user {fca.pk} is inactive or has no address" in log
    assert f"user {other_fca.pk} is inactive or has no address" in log
