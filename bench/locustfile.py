"""The workforce benchmark: every FCA and supervisor at work at once, with human think times.

Driven by bench/run.sh. Nine in ten locust users are FCAs who read guidance and fill in
reflective checklists (autosaving as they type); one in ten are supervisors who review, comment on,
return and sign off what the FCAs submit. Each locust user works as its own bench account, with a
session made in advance (bench/workforce_targets.py) as signing in would make it.
StepLoadShape raises the number of concurrent users step by step; only the hold of each step,
once every user of the step has signed in, is measured, per endpoint. A background greenlet
records the CPU used by gunicorn, PostgreSQL and locust itself.

Environment:
  BENCH_TARGETS        the JSON written by bench/workforce_targets.py (URL patterns, accounts, themes)
  BENCH_OUT            where to write the figures (JSON)
  BENCH_PASSWORD       the bench accounts' password
  BENCH_STEPS          concurrent users at each step (default "250,500,1000,1500,2200,3000")
  BENCH_HOLD           seconds measured at each step (default 180)
  BENCH_SPAWN_RATE     users started per second when stepping up (default 50)
  BENCH_GUNICORN_PID   the gunicorn master, whose workers' CPU is recorded
  BENCH_DB_NAME        the benchmark's database, to leave out other databases' PostgreSQL backends
  BENCH_THINK_SCALE    multiplies every think time (default 1; less only to check the workload quickly)
  BENCH_PROFILE_STEP   the step (users) during whose hold py-spy records each gunicorn worker
  BENCH_PROFILE_DIR, BENCH_PROFILE_SECONDS (default 60), BENCH_PYSPY (the py-spy executable)

As in bench/saturation.py, requests carry "X-Forwarded-Proto: https" as the proxy would add, and
cookies go in a Cookie header set by hand, because production cookies are Secure.
"""

import itertools
import json
import os
import random
import re
import string
import subprocess
import sys
import time
from collections import Counter, defaultdict
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import gevent
import psutil
from gevent.lock import Semaphore
from locust import FastHttpUser, LoadTestShape, events, task
from locust.exception import StopUser

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.workforce_pages import (  # noqa: E402
    autosave_form,
    comment_steps,
    controls,
    error_reason,
    mask,
    parse_questions,
    revision_after_save,
    url_regex,
)
from bench.workforce_stats import headline, summarise_step, timeline  # noqa: E402

# -- think times, in seconds (low, high), drawn uniformly as locust's between() does ------------------

# The home page is a glance: counts by status and the latest checklists, then a click.
READ_HOME = (3, 10)
# Finding the checklist to work on, or checking what is waiting, in a list of 20.
READ_LIST = (5, 15)
# One action: what it was, where it came from, then choosing "done" and perhaps a word on how it went.
CLOSE_ACTION = (10, 30)
# A theme page is several screens of practice points: from a skim to a careful read.
READ_THEME = (30, 90)
# Search results are a list of titles and snippets, scanned before opening one or searching again.
READ_SEARCH = (10, 30)
# Choosing which of the four checklists fits the case, reading their summaries.
CHOOSE_TEMPLATE = (5, 15)
# Copying the case number from the case management system and writing a short title.
TYPE_DETAILS = (15, 40)
# Reading a step's introduction and questions before starting to type.
READ_STEP = (10, 20)
# Autosave fires 1.5 s after typing stops; people stop every few words to think.
TYPING_BURST = (3, 6)
# How many times one text answer is autosaved while it is written: a sentence or a short paragraph.
SAVES_PER_TEXT = (2, 6)
# Thinking about the next question, looking at the case file or the guidance panel.
BETWEEN_QUESTIONS = (15, 45)
# Reading the whole checklist back before submitting it.
CHECK_ANSWERS = (20, 60)
# After submitting: a phone call, a case note, a coffee, before the next reflection.
BETWEEN_CHECKLISTS = (30, 120)
# Looking down the review queue to choose what to open.
SCAN_QUEUE = (5, 15)
# A review page is a whole checklist: every answer, the author's guidance and the timeline.
READ_REVIEW = (60, 180)
# Writing a comment, or what the practitioner should reflect on further.
WRITE_COMMENT = (20, 60)
# Reading the confirmation before going back to the queue.
READ_CONFIRMATION = (3, 8)
# With nothing to review, a supervisor does other work before looking at the queue again.
IDLE_QUEUE = (60, 180)

# How often each optional thing happens.
READ_THEME_SHARE = 0.30
SEARCH_SHARE = 0.30
LIST_VIEWS = {"first page": 60, "page 2": 15, "by status": 25}
# Looking at their actions: a glance at what is open, less often what is overdue or what was done.
FOLLOW_UP_SHARE = 0.33
ACTION_VIEWS = {"open": 70, "overdue": 20, "done": 10}
# Of those who look at their open or overdue actions, how many mark one done there and then.
CLOSE_ACTION_SHARE = 0.5
# Drafts are what an FCA filters for most: the checklists they have still to finish.
LIST_STATUSES = ("draft", "draft", "submitted", "returned", "signed_off")
# Having opened the drafts, an FCA carries on with one of them rather than starting another.
RESUME_FROM_DRAFTS = 0.5
QUEUE_VIEWS = {"waiting": 70, "page 2": 15, "by status": 15}
DECISIONS = {"comment": 30, "return": 20, "sign off": 50}

# Words FCAs search the guidance for, from the Knowledge Bite (the Panel's annual report 2020).
SEARCH_TERMS = (
    "engagement", "trauma", "motivational interviewing", "domestic abuse", "neglect", "exploitation",
    "county lines", "home educated", "racism", "diversity", "fathers", "substance misuse", "mental health",
    "suicide", "non-accidental injury", "infants", "covid", "triangulate", "pivotal moments",
    "information sharing", "police checks", "supervision", "voice of the child", "culture", "parenting",
    "trafficking", "disabilities", "reluctant", "respectful relationships", "sudden unexpected death",
    "seeing and engaging", "child sexual exploitation",
)  # fmt: skip
TITLES = (
    "New information from the school",
    "Police callout reported by the local authority",
    "Child not seen at the home visit",
    "Father has not attended two appointments",
    "Health visitor concerns about the baby",
    "Child's account differs from the parents'",
)
# What an FCA types, a few words per autosave.
PHRASES = (
    "The child said that they feel safe at their grandmother's house.",
    "School reported two unexplained absences in the last fortnight.",
    "The police attended after neighbours heard shouting late at night.",
    "I triangulated this with the school, the GP and the police disclosure.",
    "The accounts of the two parents differ about who was present.",
    "I discussed this with my practice supervisor on the same day.",
    "I will seek the child's wishes and feelings again before the hearing.",
    "There is no evidence yet that the new partner has been assessed.",
)
COMMENTS = (
    "A clear reflection: the evidence for each concern is set out well.",
    "Please say more about what the child told you and how you checked it.",
    "Think again about how the father's view has been sought.",
)

# -- configuration -------------------------------------------------------------------------------------

TARGETS = json.loads(Path(os.environ["BENCH_TARGETS"]).read_text())
URLS = TARGETS["urls"]
OUT = os.environ["BENCH_OUT"]
PASSWORD = os.environ["BENCH_PASSWORD"]
STEPS = [int(users) for users in os.environ.get("BENCH_STEPS", "250,500,1000,1500,2200,3000").split(",")]
HOLD = float(os.environ.get("BENCH_HOLD", "180"))
SPAWN_RATE = float(os.environ.get("BENCH_SPAWN_RATE", "50"))
THINK_SCALE = float(os.environ.get("BENCH_THINK_SCALE", "1"))
# Without a session made in advance, signing in costs a PBKDF2 hash (about 0.3 s of CPU): a few at
# a time, so that a step's arrivals queue here rather than in front of the people already working.
SIGN_IN_CONCURRENCY = int(os.environ.get("BENCH_SIGNIN_CONCURRENCY", "2"))
SIGN_IN_SLOTS = Semaphore(SIGN_IN_CONCURRENCY)
SIGN_IN_TIMEOUT = float(os.environ.get("BENCH_SIGNIN_TIMEOUT", "900"))
GUNICORN_PID = int(os.environ.get("BENCH_GUNICORN_PID") or 0)
DB_NAME = os.environ.get("BENCH_DB_NAME", "")
PROFILE_STEP = int(os.environ.get("BENCH_PROFILE_STEP") or 0)
PROFILE_DIR = os.environ.get("BENCH_PROFILE_DIR", "")
PROFILE_SECONDS = int(os.environ.get("BENCH_PROFILE_SECONDS", "60"))
PYSPY = os.environ.get("BENCH_PYSPY", "py-spy")
CPU_SAMPLE_SECONDS = 2.0


def think(bounds: tuple[float, float]) -> float:
    return random.uniform(*bounds) * THINK_SCALE


def url(name: str, **params) -> str:
    return URLS[name].format(**params)


STEP_URL, CHECK_URL, RESUME_URL, REVIEW_URL, DETAILS_URL, ACTION_URL = (
    url_regex(URLS[name]) for name in ("step", "check", "resume", "review", "details", "action")
)


# -- measurement ---------------------------------------------------------------------------------------


class CpuSampler:
    """CPU seconds used by gunicorn (master and workers), PostgreSQL and this locust process.

    Sampled every few seconds in a greenlet; a process that starts between two samples (a new
    PostgreSQL backend) counts from its start, one that ends loses at most its last interval.
    """

    GROUPS = ("gunicorn", "postgres", "locust")

    def __init__(self):
        self.totals = dict.fromkeys(self.GROUPS, 0.0)
        self.seen: dict[int, float] = {}
        self.last_sample = time.time()
        self.me = psutil.Process()
        self.greenlet = None

    @staticmethod
    def _machine_busy() -> float:
        """CPU seconds the whole machine has been busy, all cores together (guest time is already in user)."""
        times = psutil.cpu_times()
        return sum(getattr(times, field, 0.0) for field in ("user", "nice", "system", "irq", "softirq"))

    def _processes(self):
        if GUNICORN_PID:
            try:
                master = psutil.Process(GUNICORN_PID)
                yield "gunicorn", master
                for child in master.children(recursive=True):
                    yield "gunicorn", child
            except psutil.Error:
                pass
        for process in psutil.process_iter(["name", "cmdline"]):
            if process.info["name"] != "postgres":
                continue
            title = " ".join(process.info["cmdline"] or [])
            # A client backend's title names its database and client; leave out other databases'.
            client = re.search(r"\d+\.\d+\.\d+\.\d+\(\d+\)|\[local\]", title)
            if client and DB_NAME and f" {DB_NAME} " not in f" {title} ":
                continue
            yield "postgres", process
        yield "locust", self.me

    def sample(self) -> dict:
        now = time.time()
        alive = set()
        for group, process in self._processes():
            try:
                times = process.cpu_times()
                created = process.create_time()
            except psutil.Error:
                continue
            used = times.user + times.system
            alive.add(process.pid)
            if process.pid in self.seen:
                self.totals[group] += used - self.seen[process.pid]
            elif created > self.last_sample:
                self.totals[group] += used
            self.seen[process.pid] = used
        self.seen = {pid: used for pid, used in self.seen.items() if pid in alive}
        self.last_sample = now
        return {"time": now, "machine": self._machine_busy(), **self.totals}

    def run(self) -> None:
        while True:
            self.sample()
            gevent.sleep(CPU_SAMPLE_SECONDS)

    @staticmethod
    def percent(start: dict, end: dict) -> dict:
        """Average CPU between two samples, in % of one core (200% is both cores of a 2-core machine)."""
        seconds = end["time"] - start["time"]
        if seconds <= 0:
            return {}
        used = {group: (end[group] - start[group]) / seconds * 100 for group in (*CpuSampler.GROUPS, "machine")}
        used["other"] = max(0.0, used["machine"] - sum(used[group] for group in CpuSampler.GROUPS))
        return {group: round(value, 1) for group, value in used.items()}


class Recorder:
    """Per step and endpoint: response times, failures, statuses and query counts, during holds only."""

    def __init__(self):
        self.current: dict | None = None
        self.steps: list[dict] = []
        self.sampler = CpuSampler()
        self.sign_ins = {"done": 0, "failed": 0, "failures": Counter()}
        self.profile: dict | None = None
        self.profilers: list[subprocess.Popen] = []

    def start(self, users: int, classes: dict, waited: float) -> None:
        self.current = {
            "users": users,
            "classes": classes,
            "signed_in": self.sign_ins["done"],
            "sign_in_wait_s": round(waited, 1),
            "endpoints": defaultdict(lambda: {"times": [], "failures": 0, "statuses": Counter(), "queries": []}),
            "errors": Counter(),
            "timeline": [],
            "cpu_start": self.sampler.sample(),
            "load_start": os.getloadavg()[0],
            "started": time.monotonic(),
        }

    def record(self, name, response_time, response, exception) -> None:
        step = self.current
        if step is None or name == "sign-in":
            return
        samples = step["endpoints"][name]
        samples["times"].append(response_time)
        step["timeline"].append((time.monotonic() - step["started"], response_time))
        status = getattr(response, "status_code", 0) or 0
        samples["statuses"][status] += 1
        headers = getattr(response, "headers", None)
        queries = headers.get("X-DB-Queries") if headers else None
        if queries is not None and queries.isdigit():
            samples["queries"].append(int(queries))
        if exception is not None:
            samples["failures"] += 1
            step["errors"][(name, str(exception)[:300])] += 1

    def finish(self) -> dict | None:
        step, self.current = self.current, None
        if step is None:
            return None
        seconds = time.monotonic() - step["started"]
        summary = summarise_step(step["users"], seconds, step["endpoints"], step["errors"])
        summary.update(
            {
                "classes": step["classes"],
                "signed_in": step["signed_in"],
                "sign_in_wait_s": step["sign_in_wait_s"],
                "cpu": CpuSampler.percent(step["cpu_start"], self.sampler.sample()),
                "timeline": timeline(step["timeline"]),
                "load_average": [step["load_start"], os.getloadavg()[0]],
            }
        )
        self.steps.append(summary)
        return summary

    def start_profilers(self) -> None:
        """py-spy on each gunicorn worker for part of this hold (it needs ptrace: run as root)."""
        try:
            workers = [child.pid for child in psutil.Process(GUNICORN_PID).children()]
        except psutil.Error:
            workers = []
        seconds = max(5, int(min(PROFILE_SECONDS, HOLD - 2)))
        self.profile = {"users": PROFILE_STEP, "seconds": seconds, "workers": workers, "files": []}
        for pid in workers:
            output = Path(PROFILE_DIR) / f"pyspy-{pid}.txt"
            log = open(Path(PROFILE_DIR) / f"pyspy-{pid}.log", "w")  # noqa: SIM115 - closed with the process
            command = [PYSPY, "record", "--format", "raw", "--duration", str(seconds), "--pid", str(pid)]
            command += ["--subprocesses", "-o", str(output)]
            self.profilers.append(subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT))
            self.profile["files"].append(output.name)
        progress(f"py-spy recording workers {', '.join(map(str, workers)) or '(none found)'} for {seconds} s")


RECORDER = Recorder()


def progress(message: str) -> None:
    # bench/run.sh shows these lines while the run goes on; the rest goes to locust.log.
    print(f"workforce: {message}", flush=True)


@events.request.add_listener
def on_request(name, response_time, response=None, exception=None, **kwargs):
    RECORDER.record(name, response_time, response, exception)


@events.test_start.add_listener
def on_test_start(environment, **kwargs):
    RECORDER.sampler.greenlet = gevent.spawn(RECORDER.sampler.run)


@events.quitting.add_listener
def write_results(environment, **kwargs):
    if RECORDER.current is not None:
        progress("stopped during a hold: that step's figures cover only the part measured")
        RECORDER.finish()
    for profiler in RECORDER.profilers:
        try:
            profiler.wait(timeout=PROFILE_SECONDS + 30)
        except subprocess.TimeoutExpired:
            profiler.terminate()
    result = {
        "config": {
            "steps": STEPS,
            "hold_s": HOLD,
            "spawn_rate": SPAWN_RATE,
            "think_scale": THINK_SCALE,
            "weights": {"FcaUser": FcaUser.weight, "SupervisorUser": SupervisorUser.weight},
            "fca_accounts": len(TARGETS["fcas"]),
            "supervisor_accounts": len(TARGETS["supervisors"]),
            "sign_in_concurrency": SIGN_IN_CONCURRENCY,
        },
        "database": TARGETS.get("database", {}),
        "sign_ins": {
            "done": RECORDER.sign_ins["done"],
            "failed": RECORDER.sign_ins["failed"],
            "failures": [{"error": e, "occurrences": n} for e, n in RECORDER.sign_ins["failures"].most_common(10)],
        },
        "steps": RECORDER.steps,
        "headline": headline(RECORDER.steps),
        "profile": RECORDER.profile,
    }
    Path(OUT).write_text(json.dumps(result, indent=2) + "\n")
    progress(result["headline"]["text"])


class StepLoadShape(LoadTestShape):
    """BENCH_STEPS users in turn: ramp at BENCH_SPAWN_RATE, wait for every sign-in, then hold BENCH_HOLD s.

    Only the hold is measured. Waiting for the sign-ins keeps the PBKDF2 hashing of a step's
    newcomers out of its figures, however long the hashing takes.
    """

    def __init__(self):
        super().__init__()
        self.index = 0
        self.phase = "ramp"
        self.since = 0.0

    def tick(self):
        if self.index >= len(STEPS):
            return None
        users = STEPS[self.index]
        now = time.monotonic()
        if self.phase == "ramp":
            # The runner starts the users before it asks again, so the next tick sees them started.
            progress(f"step {self.index + 1} of {len(STEPS)}: {users:,} users, signing in")
            self.phase, self.since = "signing in", now
        elif self.phase == "signing in":
            finished = RECORDER.sign_ins["done"] + RECORDER.sign_ins["failed"]
            waited = now - self.since
            if finished >= users or waited > SIGN_IN_TIMEOUT:
                classes = dict(self.runner.user_classes_count) if self.runner else {}
                RECORDER.start(users, classes, waited)
                signed_in = RECORDER.sign_ins["done"]
                progress(f"{users:,} users: {signed_in:,} signed in after {waited:.0f} s; measuring {HOLD:g} s")
                if PROFILE_STEP == users and PROFILE_DIR:
                    RECORDER.start_profilers()
                self.phase, self.since = "hold", now
        elif now - self.since >= HOLD:
            summary = RECORDER.finish()
            if summary:
                worst = max(summary["endpoints"].items(), key=lambda item: item[1]["p95_ms"] or 0, default=None)
                slowest = f"slowest p95 {worst[0]} {worst[1]['p95_ms']:g} ms" if worst else "no requests"
                cpu = summary["cpu"]
                progress(
                    f"{users:,} users: {summary['rps']:.1f} req/s, {slowest}, {summary['errors']} errors; CPU % "
                    f"gunicorn {cpu.get('gunicorn')}, postgres {cpu.get('postgres')}, locust {cpu.get('locust')}"
                )
            self.index += 1
            self.phase = "ramp"
            return self.tick()
        return users, SPAWN_RATE


# -- the people ----------------------------------------------------------------------------------------


class SignInFailed(Exception):
    pass


class Abandon(Exception):
    """A page did not answer as a person needs to carry on: the failure is recorded, start again."""


# Checklists a locust user is working on or reviewing: two users never type into, or decide on,
# the same one (more locust users than bench accounts share accounts).
CLAIMED: set[str] = set()
CASE_NUMBERS = itertools.count(1)


class WorkforceUser(FastHttpUser):
    abstract = True
    # One connection per person, as a browser's to one host (gunicorn's sync workers close it anyway).
    concurrency = 1
    accounts: list[str] = []
    numbers = None  # an itertools.count per class: locust users take accounts in turn

    def on_start(self):
        self.username = self.accounts[next(self.numbers) % len(self.accounts)]
        self.origin = self.host.replace("http://", "https://", 1)
        self.headers = {"X-Forwarded-Proto": "https", "Origin": self.origin}
        self.cookies: dict[str, str] = {}
        self.current_page = url("home")
        self.claims: set[str] = set()
        try:
            with SIGN_IN_SLOTS:
                self.sign_in()
        except SignInFailed as error:
            RECORDER.sign_ins["failed"] += 1
            RECORDER.sign_ins["failures"][str(error)[:200]] += 1
            raise StopUser() from None
        RECORDER.sign_ins["done"] += 1

    def on_stop(self):
        self.release_all()

    # Requests ------------------------------------------------------------------------------------

    def _remember_cookies(self, response) -> None:
        headers = response.headers.get_all("Set-Cookie") if response.headers is not None else None
        for header in headers or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        self._send_cookies()

    def _send_cookies(self) -> None:
        self.headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def csrf_token(self) -> str:
        return next((value for name, value in self.cookies.items() if name.endswith("csrftoken")), "")

    def call(self, method: str, path: str, name: str, *, form=None, expect=(200,), headers=None):
        """One request, never following redirects (the next page is its own request, as in a browser).

        Returns (status, body, location). A status not in `expect` is a failure with its reason.
        """
        sent = {**self.headers, "Referer": self.origin + self.current_page, **(headers or {})}
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        with self.client.request(
            method, path, name=name, data=body, headers=sent, allow_redirects=False, catch_response=True
        ) as response:
            if response.headers is not None:
                self._remember_cookies(response)
            status = response.status_code or 0
            text = (response.text or "") if status else ""
            location = (response.headers.get("Location") or "") if response.headers is not None else ""
            if status in expect:
                response.success()  # a redirect, or a refusal that is expected, is not an error
            elif status:
                detail = mask(location) or error_reason(text)
                response.failure(f"HTTP {status} {detail}".strip())
            else:
                response.failure(f"no response: {getattr(response, 'error', None)}")
        if method == "GET" and status == 200:
            self.current_page = path
        return status, text, location

    def get(self, path: str, name: str, expect=(200,)) -> str:
        status, text, _ = self.call("GET", path, name, expect=expect)
        if status not in expect:
            raise Abandon(name)
        return text

    def post(self, path: str, name: str, form: dict, expect=(302,), headers=None) -> tuple[int, str, str]:
        form = {**form, "csrfmiddlewaretoken": self.csrf_token()}
        status, text, location = self.call("POST", path, name, form=form, expect=expect, headers=headers)
        if status not in expect:
            raise Abandon(name)
        return status, text, urlsplit(location).path if location else ""

    def pause(self, bounds: tuple[float, float]) -> None:
        gevent.sleep(think(bounds))

    def sign_in(self) -> None:
        session = TARGETS.get("sessions", {}).get(self.username)
        if session:
            # A session made in advance (bench/workforce_targets.py), and a CSRF secret of our own,
            # as the browser of someone who signed in this morning would hold.
            self.cookies[TARGETS["cookies"]["session"]] = session
            secret = "".join(random.choices(string.ascii_letters + string.digits, k=32))
            self.cookies[TARGETS["cookies"]["csrf"]] = secret
            self._send_cookies()
            return
        status, text, _ = self.call("GET", url("login"), "sign-in")
        token = next((c.get("value") for c in controls(text) if c.get("name") == "csrfmiddlewaretoken"), None)
        if status != 200 or not token:
            raise SignInFailed(f"sign-in page: HTTP {status}")
        form = {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        status, _, _ = self.call("POST", url("login"), "sign-in", form=form, expect=(302,))
        if status != 302 or not any(name.endswith("sessionid") for name in self.cookies):
            raise SignInFailed(f"sign-in as {self.username}: HTTP {status}, no session cookie")

    # Claims --------------------------------------------------------------------------------------

    def claim(self, pk: str) -> bool:
        if pk in CLAIMED:
            return False
        CLAIMED.add(pk)
        self.claims.add(pk)
        return True

    def release(self, pk: str) -> None:
        CLAIMED.discard(pk)
        self.claims.discard(pk)

    def release_all(self) -> None:
        for pk in list(self.claims):
            self.release(pk)

    # Shared pages --------------------------------------------------------------------------------

    def read_theme(self) -> None:
        self.get(random.choice(TARGETS["themes"]), "theme")
        self.pause(READ_THEME)

    def search_guidance(self) -> None:
        self.get(f"{url('search')}?{urlencode({'q': random.choice(SEARCH_TERMS)})}", "search")
        self.pause(READ_SEARCH)


class FcaUser(WorkforceUser):
    """An FCA: home, their checklists, some guidance, then a whole checklist from start to submit."""

    weight = 9
    accounts = TARGETS["fcas"]
    numbers = itertools.count()

    def wait_time(self):
        return think(BETWEEN_CHECKLISTS)

    @task
    def reflect(self):
        try:
            self.get(url("home"), "home")
            self.pause(READ_HOME)
            draft = self.open_my_checklists()
            if random.random() < FOLLOW_UP_SHARE:
                self.follow_up_actions()
            if random.random() < READ_THEME_SHARE:
                self.read_theme()
            if random.random() < SEARCH_SHARE:
                self.search_guidance()
            if draft:
                _, _, location = self.call("GET", url("resume", pk=draft), "resume", expect=(302,))
                if not location:
                    raise Abandon("resume")
                location = urlsplit(location).path
            else:
                location = self.start_checklist()
            self.work_through(location)
        except Abandon:
            pass  # recorded as a failure of the request that broke the flow
        finally:
            self.release_all()

    def open_my_checklists(self) -> str | None:
        """The list of their checklists; from the drafts, sometimes one to carry on with."""
        view = random.choices(list(LIST_VIEWS), weights=list(LIST_VIEWS.values()))[0]
        status = None
        if view == "page 2":
            page = self.get(f"{url('list')}?page=2", "my checklists")
        elif view == "by status":
            status = random.choice(LIST_STATUSES)
            page = self.get(f"{url('list')}?status={status}", "my checklists")
        else:
            page = self.get(url("list"), "my checklists")
        self.pause(READ_LIST)
        if status != "draft" or random.random() >= RESUME_FROM_DRAFTS:
            return None
        drafts = [pk for pk in dict.fromkeys(m.group("pk") for m in RESUME_URL.finditer(page)) if pk not in CLAIMED]
        if not drafts:
            return None
        draft = random.choice(drafts)
        self.claim(draft)
        return draft

    def follow_up_actions(self) -> None:
        """Their actions, then sometimes one of them opened and marked done; back to the list it came from."""
        view = random.choices(list(ACTION_VIEWS), weights=list(ACTION_VIEWS.values()))[0]
        path = url("actions") if view == "open" else f"{url('actions')}?{urlencode({'show': view})}"
        page = self.get(path, "my actions")
        self.pause(READ_LIST)
        if view == "done" or random.random() >= CLOSE_ACTION_SHARE:
            return
        found = dict.fromkeys(match.group("id") for match in ACTION_URL.finditer(page))
        ids = [action_id for action_id in found if f"action-{action_id}" not in CLAIMED]
        if not ids:
            return
        action_id = random.choice(ids)
        self.claim(f"action-{action_id}")
        detail = url("action", id=action_id)
        form = {c["name"]: c.get("value", "") for c in controls(self.get(detail, "action")) if c.get("name")}
        if "revision" not in form:
            return  # closed by another locust user on the same account since the list was read
        self.pause(CLOSE_ACTION)
        close = {"status": "done", "revision": form["revision"], "next": path}
        # Two locust users sharing an account may close the same action: the second is refused (409).
        status, _, _ = self.post(url("close_action", id=action_id), "close action", close, expect=(302, 409))
        if status == 302:
            # Back where they were (the posted `next`), with the banner saying it is done.
            self.get(path, "my actions")
            self.pause(READ_CONFIRMATION)

    def start_checklist(self) -> str:
        """Choose a checklist and give the case details; returns where the server sends them (step 1)."""
        page = self.get(url("start"), "start")
        templates = [c["value"] for c in controls(page) if c.get("name") == "template" and c.get("value")]
        if not templates:
            raise Abandon("start: no checklist to choose")
        self.pause(CHOOSE_TEMPLATE)
        _, _, location = self.post(url("start"), "choose template", {"template": random.choice(templates)})
        if not DETAILS_URL.search(location):
            raise Abandon(f"choose template went to {mask(location)}")
        self.get(location, "details")
        self.pause(TYPE_DETAILS)
        details = {"case_reference": f"BN26C{next(CASE_NUMBERS) % 100000:05d}", "title": random.choice(TITLES)}
        _, _, location = self.post(location, "details submit", details)
        started = STEP_URL.search(location)
        if not started:
            raise Abandon(f"details went to {mask(location)}")
        self.claim(started.group("pk"))
        return location

    def work_through(self, location: str) -> None:
        """Each step in turn from `location`, then check the answers and submit."""
        for _ in range(40):  # more steps than any checklist has: a loop here is a bug
            step = STEP_URL.search(location)
            if step:
                location = self.do_step(location, step.group("pk"))
                continue
            check = CHECK_URL.search(location)
            if not check:
                raise Abandon(f"unexpected redirect to {mask(location)}")
            pk = check.group("pk")
            self.get(location, "check answers")
            self.pause(CHECK_ANSWERS)
            _, _, location = self.post(url("submit", pk=pk), "submit", {})
            self.get(location, "submitted")
            return
        raise Abandon("too many steps")

    def do_step(self, path: str, pk: str) -> str:
        """Read a step, answer its questions with autosave, and save it; returns where the server sends them."""
        page = self.get(path, "step")
        questions = parse_questions(page)
        self.pause(READ_STEP)
        form = {"action": "continue"}
        for number, question in enumerate(questions):
            if number:
                self.pause(BETWEEN_QUESTIONS)
            answer = {}
            for answer in self.answers(question):
                self.autosave(pk, path, question, answer)
            if answer:  # a question the workload cannot answer is left out, so nothing of it changes
                form.update(answer)
                form[f"revision-{question['key']}"] = str(question["revision"])
        _, _, location = self.post(path, "step submit", form)
        return location

    def answers(self, question: dict):
        """What the person enters, one item per autosave: growing text, or a single choice or date."""
        name = f"q-{question['key']}"
        kind, options = question["kind"], question["options"]
        if kind in ("long text", "short text"):
            saves = random.randint(*SAVES_PER_TEXT)
            text = ""
            for save in range(saves):
                if save:
                    self.pause(TYPING_BURST)
                text = f"{text} {random.choice(PHRASES)}".strip()
                if kind == "short text":
                    text = text[:100]
                yield {name: text}
        elif kind == "radio" and options:
            yield {name: random.choice(options)}
        elif kind == "checkbox" and options:
            chosen = random.sample(options, random.randint(1, min(3, len(options))))
            # "None of these" (none, none-yet...) is ticked on its own, as people do.
            nothing = [option for option in chosen if option.startswith("none")]
            yield {name: nothing[:1] or chosen}
        elif kind == "date":
            day = time.localtime(time.time() - random.randint(1, 365) * 86400)
            yield {f"{name}.day": str(day.tm_mday), f"{name}.month": str(day.tm_mon), f"{name}.year": str(day.tm_year)}

    def autosave(self, pk: str, step_path: str, question: dict, values: dict) -> None:
        """What htmx posts for one question, then the revision the reply gives for the next save."""
        headers = {
            "X-CSRFToken": self.csrf_token(),
            "HX-Request": "true",
            "HX-Target": f"status-{question['key']}",
            "HX-Current-URL": self.origin + step_path,
        }
        form = autosave_form(question, values)
        status, text, _ = self.call("POST", url("autosave", pk=pk), "autosave", form=form, headers=headers)
        question["revision"] = revision_after_save(status, text, question)


class SupervisorUser(WorkforceUser):
    """A supervisor: the review queue, one checklist read in full, then a comment, a return or a sign-off."""

    weight = 1
    accounts = TARGETS["supervisors"]
    numbers = itertools.count()

    def wait_time(self):
        return think(READ_CONFIRMATION)

    @task
    def review_one(self):
        try:
            pk = self.choose_from_queue()
            if pk is None:
                self.read_theme()
                self.pause(IDLE_QUEUE)
                return
            review = url("review", pk=pk)
            page = self.get(review, "review")
            self.pause(READ_REVIEW)
            decision = random.choices(list(DECISIONS), weights=list(DECISIONS.values()))[0]
            if decision == "comment":
                # On one step, posted in place: the step's comments come back, not the page.
                self.pause(WRITE_COMMENT)
                steps = comment_steps(page)
                if not steps:
                    raise Abandon("review")
                form = {"comment-body": random.choice(COMMENTS[1:]), "comment-step": random.choice(steps)}
                self.post(url("comment", pk=pk), "comment", form, expect=(200,), headers={"HX-Request": "true"})
                self.pause(READ_CONFIRMATION)
                return
            if decision == "return":
                self.pause(WRITE_COMMENT)
                form = {"decision-decision": "return", "decision-return_reason": random.choice(COMMENTS[1:])}
                self.post(url("decide", pk=pk), "return", form)
            else:
                note = random.choice(("", COMMENTS[0]))
                _, _, confirm = self.post(
                    url("decide", pk=pk), "decide", {"decision-decision": "sign_off", "decision-sign_off_note": note}
                )
                self.get(confirm or url("sign_off", pk=pk), "confirm sign off")
                self.pause(READ_CONFIRMATION)
                self.post(url("sign_off", pk=pk), "sign off", {"signoff-body": note})
            # The action redirects to the review page, which shows that it was done.
            self.get(review, "review")
            self.pause(READ_CONFIRMATION)
        except Abandon:
            pass
        finally:
            self.release_all()

    def choose_from_queue(self) -> str | None:
        """A checklist waiting for review that no other locust user has open, from the queue."""
        view = random.choices(list(QUEUE_VIEWS), weights=list(QUEUE_VIEWS.values()))[0]
        if view == "page 2":
            page = self.get(f"{url('queue')}?page=2", "queue")
        elif view == "by status":
            self.get(f"{url('queue')}?status={random.choice(('returned', 'signed_off'))}", "queue")
            self.pause(SCAN_QUEUE)
            page = self.get(url("queue"), "queue")
        else:
            page = self.get(url("queue"), "queue")
        self.pause(SCAN_QUEUE)
        waiting = [pk for pk in dict.fromkeys(m.group("pk") for m in REVIEW_URL.finditer(page)) if pk not in CLAIMED]
        if not waiting:
            return None
        pk = random.choice(waiting)
        self.claim(pk)
        return pk
