"""Time (and optionally profile) each benchmark endpoint in one process, without the network.

Where `make bench` measures a loaded server, this measures what one request costs in Django itself:
the same production settings, database, cache and requests (bench/targets.py), one at a time.
Use it to see where a page spends its time before and after a change:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/practicehub_bench \\
    REDIS_URL=redis://127.0.0.1:6379/1 DJANGO_SECRET_KEY=... DJANGO_ALLOWED_HOSTS=127.0.0.1 \\
        .venv/bin/python bench/profile_endpoints.py targets.json [--only step,review] [--n 200] [--profile]

bench/run.sh writes targets.json into each results folder.
"""

import argparse
import cProfile
import json
import os
import pstats
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402

from accounts.models import User  # noqa: E402

NEW_REVISION = re.compile(r'name="revision-[^"]*" value="(\d+)"')
SAVED_REVISION = re.compile(r'data-saved-revision="(\d+)"')


def client_for(username: str | None) -> Client:
    client = Client(HTTP_X_FORWARDED_PROTO="https", SERVER_NAME="127.0.0.1", enforce_csrf_checks=False)
    if username:
        client.force_login(User.objects.get(username=username))
    return client


def request(client: Client, endpoint: dict, slot: dict, state: dict):
    if endpoint["method"] == "GET":
        return client.get(slot["url"])
    fields = slot["fields"]
    state["saves"] = state.get("saves", 0) + 1
    data = {
        fields["question"]: slot["question"],
        fields["value"]: f"Profiled answer {state['saves']}",
        fields["revision"]: state.get("revision", slot["revision"]),
    }
    response = client.post(slot["url"], data, HTTP_HX_REQUEST="true", HTTP_REFERER=slot["referer"])
    # The fragment carries the next revision (or, on a conflict, the saved one), as in saturation.py.
    body = response.content.decode()
    found = NEW_REVISION.search(body) or SAVED_REVISION.search(body)
    if found:
        state["revision"] = int(found.group(1))
    return response


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("targets")
    parser.add_argument("--only", default="")
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--profile", action="store_true", help="print the top functions by cumulative time")
    parser.add_argument("--top", type=int, default=35)
    args = parser.parse_args()
    only = {name for name in args.only.split(",") if name}
    targets = json.loads(Path(args.targets).read_text())
    for endpoint in targets["endpoints"]:
        if only and endpoint["name"] not in only:
            continue
        slot = endpoint["requests"][0]
        client = client_for(slot["user"])
        state: dict = {}
        for _ in range(20):  # warm caches and connections
            response = request(client, endpoint, slot, state)
        if response.status_code >= 400:
            print(f"{endpoint['name']}: HTTP {response.status_code}", file=sys.stderr)
            continue
        profiler = cProfile.Profile() if args.profile else None
        started, cpu_started = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        for _ in range(args.n):
            request(client, endpoint, slot, state)
        if profiler:
            profiler.disable()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        size = len(response.content)
        print(
            f"{endpoint['name']:<17} {elapsed / args.n * 1000:7.2f} ms/request"
            f"  ({cpu / args.n * 1000:5.2f} ms of it this process's CPU)  {size / 1024:6.1f} KiB"
        )
        if profiler:
            stats = pstats.Stats(profiler).sort_stats(os.environ.get("PROFILE_SORT", "cumulative"))
            stats.print_stats(args.top)
            if os.environ.get("PROFILE_CALLEES"):
                stats.print_callees(os.environ["PROFILE_CALLEES"])


if __name__ == "__main__":
    main()
