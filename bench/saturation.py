"""Load for one endpoint at a time, driven by `bench/run.sh --saturation`.

Environment:
  BENCH_TARGETS   the JSON written by bench/targets.py
  BENCH_ENDPOINT  which endpoint of it to load
  BENCH_OUT       where to write this endpoint's figures (JSON)
  BENCH_PASSWORD  the bench accounts' password
  BENCH_WARMUP    seconds of warm-up excluded from the figures (default 3)

Each locust user signs in once as one of the endpoint's bench accounts, then requests as fast as
the server answers (no think time), so requests per second is the server's capacity.

The server runs with production settings, which mark cookies Secure and trust X-Forwarded-Proto
from the proxy. The benchmark talks plain HTTP to 127.0.0.1, so every request carries
"X-Forwarded-Proto: https", as the proxy would add, and the cookies go in a Cookie header set by
hand: a client cookie jar rightly withholds Secure cookies from an http:// URL.
"""

import itertools
import json
import os
import re
import statistics
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from locust import FastHttpUser, constant, events, task
from locust.exception import StopUser

TARGETS = json.loads(open(os.environ["BENCH_TARGETS"]).read())
ENDPOINT = next(e for e in TARGETS["endpoints"] if e["name"] == os.environ["BENCH_ENDPOINT"])
OUT = os.environ["BENCH_OUT"]
PASSWORD = os.environ["BENCH_PASSWORD"]
WARMUP = float(os.environ.get("BENCH_WARMUP", "3"))
LOGIN_URL = "/accounts/login/"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# The autosave fragment carries the new revision (or, on a conflict, the saved one) for the next save.
NEW_REVISION = re.compile(r'name="revision-[^"]*" value="(\d+)"')
SAVED_REVISION = re.compile(r'data-saved-revision="(\d+)"')

slot_numbers = itertools.count()
query_counts: list[int] = []
statuses: dict[str, int] = {}
sign_in_failures: list[str] = []
measure_from = {"time": float("inf")}
# Wall-clock span of the measured requests, for requests per second.
window = {"first_start": None, "last_end": None, "count": 0}


load_average = {}


@events.test_start.add_listener
def on_test_start(environment, **kwargs):
    measure_from["time"] = time.monotonic() + WARMUP
    load_average["start"] = os.getloadavg()[0]


class BenchUser(FastHttpUser):
    wait_time = constant(0)
    # Connections are reused, as a browser does; one per locust user.
    concurrency = 1

    def on_start(self):
        self.slot = ENDPOINT["requests"][next(slot_numbers) % len(ENDPOINT["requests"])]
        origin = self.host.replace("http://", "https://", 1)
        self.headers = {"X-Forwarded-Proto": "https", "Origin": origin, "Referer": origin + "/"}
        self.cookies: dict[str, str] = {}
        self.revision = self.slot.get("revision", 0)
        self.saves = 0
        if self.slot["user"]:
            self.sign_in(self.slot["user"])

    def _remember_cookies(self, response) -> None:
        headers = response.headers.get_all("Set-Cookie") if response.headers is not None else None
        for header in headers or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        self.headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def _csrf_token(self) -> str:
        return next((value for name, value in self.cookies.items() if name.endswith("csrftoken")), "")

    def sign_in(self, username: str) -> None:
        with self.client.get(
            LOGIN_URL, headers=self.headers, name="sign-in (not measured)", catch_response=True
        ) as response:
            self._remember_cookies(response)
            match = CSRF_INPUT.search(response.text or "")
            if response.status_code != 200 or not match:
                response.failure(f"sign-in page: HTTP {response.status_code}")
                sign_in_failures.append(f"{username}: sign-in page HTTP {response.status_code}")
                raise StopUser()
        body = {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": match.group(1)}
        with self.client.post(
            LOGIN_URL,
            data=urlencode(body),
            headers={**self.headers, "Content-Type": "application/x-www-form-urlencoded"},
            name="sign-in (not measured)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            self._remember_cookies(response)
            if response.status_code != 302 or not any(name.endswith("sessionid") for name in self.cookies):
                response.failure(f"sign-in as {username}: HTTP {response.status_code}")
                sign_in_failures.append(f"{username}: HTTP {response.status_code}, no session cookie")
                raise StopUser()

    @task
    def hit(self):
        measured = time.monotonic() >= measure_from["time"]
        started = time.time()
        name = ENDPOINT["label"] if measured else ENDPOINT["label"] + " (warm-up)"
        if ENDPOINT["method"] == "POST":
            request = self._autosave(name)
        else:
            request = self.client.get(
                self.slot["url"], headers=self.headers, name=name, allow_redirects=False, catch_response=True
            )
        with request as response:
            if response.status_code != 200:
                location = response.headers.get("Location", "") if response.headers else ""
                response.failure(f"HTTP {response.status_code} {location}".strip())
            if ENDPOINT["method"] == "POST":
                self._follow_revision(response)
            if measured:
                window["first_start"] = window["first_start"] or started
                window["last_end"] = time.time()
                window["count"] += 1
                statuses[str(response.status_code)] = statuses.get(str(response.status_code), 0) + 1
                header = response.headers.get("X-DB-Queries") if response.headers else None
                if header is not None:
                    query_counts.append(int(header))

    def _follow_revision(self, response) -> None:
        pattern = NEW_REVISION if response.status_code == 200 else SAVED_REVISION
        match = pattern.search(response.text or "")
        if match:
            self.revision = int(match.group(1))
        elif response.status_code == 200:
            self.revision += 1

    def _autosave(self, name):
        """Save a new value based on the revision this user last saw, as the page's autosave does."""
        fields = self.slot["fields"]
        self.saves += 1
        body = {
            fields["question"]: str(self.slot["question"]),
            fields["value"]: f"Benchmark autosave {self.saves}: the child said they feel safe at school.",
            fields["revision"]: str(self.revision),
            "csrfmiddlewaretoken": self._csrf_token(),
        }
        origin = self.headers["Origin"]
        headers = {
            **self.headers,
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": origin + self.slot["referer"],
            "X-CSRFToken": self._csrf_token(),
            "HX-Request": "true",
        }
        return self.client.post(
            self.slot["url"],
            data=urlencode(body),
            headers=headers,
            name=name,
            allow_redirects=False,
            catch_response=True,
        )


@events.quitting.add_listener
def write_results(environment, **kwargs):
    stats = environment.stats.get(ENDPOINT["label"], ENDPOINT["method"])
    warmup = environment.stats.get(ENDPOINT["label"] + " (warm-up)", ENDPOINT["method"])
    errors = [
        {"name": error.name, "error": str(error.error), "occurrences": error.occurrences}
        for error in environment.stats.errors.values()
    ]
    result = {
        "name": ENDPOINT["name"],
        "label": ENDPOINT["label"],
        "method": ENDPOINT["method"],
        "url": ENDPOINT["requests"][0]["url"],
        "users": environment.runner.target_user_count if environment.runner else None,
        "requests": stats.num_requests,
        "failures": stats.num_failures,
        "warmup_requests": warmup.num_requests,
        "warmup_failures": warmup.num_failures,
        "rps": round(window["count"] / (window["last_end"] - window["first_start"]), 1) if window["count"] else 0.0,
        "p50_ms": stats.get_response_time_percentile(0.50) if stats.num_requests else None,
        "p95_ms": stats.get_response_time_percentile(0.95) if stats.num_requests else None,
        "p99_ms": stats.get_response_time_percentile(0.99) if stats.num_requests else None,
        "mean_ms": round(stats.avg_response_time, 1) if stats.num_requests else None,
        "max_ms": round(stats.max_response_time, 1) if stats.num_requests else None,
        "queries_median": statistics.median(query_counts) if query_counts else None,
        "queries_max": max(query_counts) if query_counts else None,
        "queries_min": min(query_counts) if query_counts else None,
        "statuses": statuses,
        # The 1-minute load average before and after: a busy machine makes the figures noisy.
        "load_average": [load_average.get("start"), os.getloadavg()[0]],
        "sign_in_failures": sign_in_failures,
        "errors": errors,
    }
    with open(OUT, "w") as handle:
        json.dump(result, handle, indent=2)
