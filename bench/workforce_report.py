"""Turn one workforce run into <run dir>/workforce.md, and print it.

    python bench/workforce_report.py bench-results/<stamp>

It reads what bench/run.sh left in the run directory (run.json, workforce.json,
workforce-targets.json, generate.log and any pyspy-<pid>.txt) and, for reference only, the latest
per-endpoint saturation report in docs/benchmarks-saturation.json. Plain Python: no Django, no locust.
"""

import json
import os
import platform
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.workforce_stats import FEW_REQUESTS, P95_BUDGET_MS, step_problems  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SATURATION_JSON = ROOT / "docs" / "benchmarks-saturation.json"
TOP_FUNCTIONS = 25
# The order endpoints are listed in: the FCA's day, then the supervisor's; anything else after.
ENDPOINT_ORDER = [
    "home",
    "my checklists",
    "my actions",
    "action",
    "close action",
    "theme",
    "search",
    "start",
    "choose template",
    "details",
    "details submit",
    "resume",
    "step",
    "autosave",
    "step submit",
    "check answers",
    "submit",
    "submitted",
    "queue",
    "review",
    "comment",
    "return",
    "decide",
    "confirm sign off",
    "sign off",
]


# -- py-spy ------------------------------------------------------------------------------------------

FRAME = re.compile(r"^(?P<function>.*?) \((?P<file>.*?)(?::\d+)?\)$")
LIBRARY = re.compile(r"^.*/(?:site-packages|lib/python3\.\d+)/")
# What every request passes through (the server loop, the WSGI handler, each middleware's
# __call__, the view decorators and ATOMIC_REQUESTS' transaction): always near 100% inclusive, so
# it would fill the table and say nothing. The work done inside them (a session save, a view, a
# template) still shows as its own functions.
PLUMBING = re.compile(
    r"\(gunicorn(?:/[^)]*)?\)|\(django/core/handlers/|\(django/utils/deprecation\.py\)|Middleware\.__call__ \("
    r"|\.inner \(django/core/handlers/|\(django/views/decorators/|\(django/contrib/auth/decorators\.py\)"
    r"|^ContextDecorator\.__call__"
)


def parse_collapsed(lines) -> Counter:
    """Collapsed stacks ("frame;frame;... samples", py-spy's raw format) as a Counter of stacks."""
    stacks = Counter()
    for line in lines:
        line = line.rstrip("\n")
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        stacks[stack] += int(count)
    return stacks


def frame_name(frame: str) -> str | None:
    """'render (django/template/base.py:171)' -> 'render (django/template/base.py)'; None for process frames."""
    if frame.startswith(("process ", "thread ")):
        return None
    match = FRAME.match(frame)
    if not match:
        return frame
    # Short paths: from site-packages or the standard library on, or from the repository root.
    path = LIBRARY.sub("", match.group("file")).removeprefix(str(ROOT) + "/")
    return f"{match.group('function')} ({path})"


def top_functions(stacks: Counter, limit: int = TOP_FUNCTIONS) -> list[dict]:
    """Functions by inclusive samples (on the stack at all, counted once per sample), with their own samples.

    The request plumbing (PLUMBING) is left out of the ranking."""
    inclusive, own = Counter(), Counter()
    total = sum(stacks.values())
    for stack, samples in stacks.items():
        names = [name for name in map(frame_name, stack.split(";")) if name]
        for name in set(names):
            if not PLUMBING.search(name):
                inclusive[name] += samples
        if names:
            own[names[-1]] += samples
    return [
        {
            "function": name,
            "samples": samples,
            "inclusive_pct": round(100 * samples / total, 1) if total else 0.0,
            "own_pct": round(100 * own[name] / total, 1) if total else 0.0,
        }
        for name, samples in sorted(inclusive.items(), key=lambda item: (-item[1], item[0]))[:limit]
    ]


def profile_summary(run_dir: Path) -> dict | None:
    files = sorted(run_dir.glob("pyspy-*.txt"))
    if not files:
        return None
    stacks = Counter()
    per_file = {}
    for path in files:
        with path.open() as handle:
            these = parse_collapsed(handle)
        per_file[path.name] = sum(these.values())
        stacks.update(these)
    return {"files": per_file, "samples": sum(stacks.values()), "top": top_functions(stacks)}


# -- collecting --------------------------------------------------------------------------------------


def _read_json(path: Path):
    return json.loads(path.read_text()) if path.exists() else None


def machine() -> dict:
    info = {"cores": os.cpu_count(), "cpu": platform.processor() or "unknown", "memory_gb": None}
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
        if model:
            info["cpu"] = model.group(1).strip()
    except OSError:
        pass
    try:
        kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        info["memory_gb"] = round(kib / 1024 / 1024, 1)
    except (OSError, AttributeError):
        pass
    info["os"] = platform.platform()
    info["python"] = platform.python_version()
    return info


def generation_line(run_dir: Path) -> str:
    log = run_dir / "generate.log"
    if not log.exists():
        return ""
    lines = [line for line in log.read_text().splitlines() if line.startswith(("Generated", "Bench data"))]
    return lines[-1] if lines else ""


def saturation_reference() -> dict | None:
    """The latest per-endpoint saturation report, if any: the reference section."""
    report = _read_json(SATURATION_JSON)
    if not report:
        return None
    return {
        "stamp": report.get("stamp"),
        "scale": report.get("run", {}).get("scale"),
        "users": report.get("run", {}).get("users"),
        "endpoints": [e for e in report.get("endpoints", []) if e.get("status") == "measured"],
    }


# -- rendering ---------------------------------------------------------------------------------------


def _ms(value) -> str:
    return "–" if value is None else f"{value:g}"


def _ordered(endpoints: dict) -> list[tuple[str, dict]]:
    def rank(name):
        return (ENDPOINT_ORDER.index(name), name) if name in ENDPOINT_ORDER else (len(ENDPOINT_ORDER), name)

    return sorted(endpoints.items(), key=lambda item: rank(item[0]))


def _cpu(step: dict, group: str) -> str:
    value = step.get("cpu", {}).get(group)
    return "–" if value is None else f"{value:.0f}%"


def _queries(endpoint: dict) -> str:
    median, most = endpoint["queries_median"], endpoint["queries_max"]
    if most is None:
        return "–"
    median = f"{median:g}"
    return median if median == str(most) else f"{median} / {most}"


def render(run: dict, result: dict, targets: dict, run_dir: Path) -> str:
    box = machine()
    database = result.get("database") or (targets or {}).get("database", {})
    config = result["config"]
    steps = result["steps"]
    fcas, supervisors = config["fca_accounts"], config["supervisor_accounts"]
    share = config["weights"]["FcaUser"] / sum(config["weights"].values())
    out = [
        "# Workforce benchmark",
        "",
        f"Run {run['stamp']}: scale {run['scale']:g}" + (" (--quick)" if run.get("quick") else "") + ".",
        "",
        f"**Headline**: {result['headline']['text']}",
        "",
        "## Method",
        "",
        "`make bench` (`bench/run.sh`) serves the real app with gunicorn "
        f"({run['workers']} sync workers on {run['cores']} cores, `config.settings.production` unchanged) "
        "on PostgreSQL and Redis, and loads it with locust (`bench/locustfile.py`), all on this one machine:",
        "",
        f"* **People**: {share:.0%} of the locust users are FCAs and the rest supervisors. Each signs in once as "
        f"its own bench account ({fcas:,} FCA and {supervisors:,} supervisor accounts, taken in turn and "
        "shared only when there are more users than accounts).",
        "* **FCAs** open home and their checklists (sometimes page 2 or a status filter, from where they may "
        "carry on with a draft); a third look at their actions (open ones, sometimes the overdue or done ones), "
        "and half of those open one and mark it done; 30% read a theme page (30–90 s), 30% search the guidance "
        "(10–30 s); then they "
        "start a checklist (template, case number, title) and work through every step: 10–20 s reading, each "
        "text answer autosaved 2–6 times 3–6 s apart, one autosave per choice or date, 15–45 s between "
        "questions, then save the step. Finally they check their answers and submit, and wait 30–120 s.",
        "* **Supervisors** open the review queue (sometimes page 2 or another status), open a waiting "
        "checklist, read it for 60–180 s, then comment (30%), return it with a comment (20%) or sign it off "
        "(50%). With nothing waiting they read a theme page and come back later.",
        f"* **Steps**: concurrent users step through {', '.join(f'{n:,}' for n in config['steps'])}, "
        f"started at {config['spawn_rate']:g} a second; each step is measured for {config['hold_s']:g} s once "
        "all its users have arrived. Each account's session is made in advance, as signing in would make it "
        "(`bench/workforce_targets.py`): people sign in once a day, and the sign-in page is not measured.",
        f"* **Budget**: every endpoint's p95 under {P95_BUDGET_MS} ms and no errors, per step. Each request is "
        "named by endpoint; redirects are not followed, so each page is its own request.",
        "* **Mix**: one checklist takes an FCA about 15 to 20 minutes, longer than a hold, so a hold sees mostly "
        "people part-way through a checklist (autosaves, steps) and the first pages of those who signed in last. "
        "A step's table lists only the endpoints requested during its hold.",
        "* **CPU** of gunicorn (master and workers), PostgreSQL (this database's backends and the server's own "
        "processes) and locust, sampled every 2 s with psutil, as % of one core (so "
        f"{(box['cores'] or 1) * 100}% is the whole machine); 'other' is the rest of the machine's busy time.",
        "* **SQL queries** per request come from the `X-DB-Queries` header (`bench/middleware.py`).",
    ]
    if config.get("think_scale", 1) != 1:
        out.append(
            f"* **Think times were scaled by {config['think_scale']:g}**: this run checks the workload, "
            "it does not measure the workforce."
        )
    out += [
        "",
        "## Machine and data",
        "",
        "| | |",
        "|---|---|",
        f"| CPU | {box['cores']} cores, {box['cpu']} |",
        f"| Memory | {box['memory_gb']} GB |",
        f"| OS, Python | {box['os']}, {box['python']} |",
        f"| 1-minute load average before the run | {run.get('load_before')} |",
        f"| Bench people | {fcas:,} FCAs, {supervisors:,} supervisors in {database.get('teams', 0):,} teams |",
        f"| Bench checklists | {database.get('checklists', 0):,} ({database.get('submitted', 0):,} waiting for "
        f"review, {database.get('drafts', 0):,} drafts), {database.get('answers', 0):,} answers |",
        f"| Bench actions | {database.get('actions', 0):,} ({database.get('open_actions', 0):,} open) |",
    ]
    generated = generation_line(run_dir)
    if generated:
        out.append(f"| Generation | {generated} |")
    out += [
        "",
        "## Steps",
        "",
        "| users (FCAs + supervisors) | signed in | measured s | requests | req/s | errors | queries / request "
        "| CPU gunicorn | CPU postgres | CPU locust | CPU other | budget |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    for step in steps:
        classes = step.get("classes") or {}
        who = f"{step['users']:,} ({classes.get('FcaUser', '?')} + {classes.get('SupervisorUser', '?')})"
        problems = step_problems(step)
        verdict = "met" if not problems else "**missed**: " + "; ".join(problems)
        queries = "–" if step["queries_per_request"] is None else f"{step['queries_per_request']:g}"
        out.append(
            f"| {who} | {step['signed_in']:,} | {step['measured_s']:g} | {step['requests']:,} | {step['rps']:.1f} "
            f"| {step['errors']} | {queries} | {_cpu(step, 'gunicorn')} | {_cpu(step, 'postgres')} "
            f"| {_cpu(step, 'locust')} | {_cpu(step, 'other')} | {verdict} |"
        )
    locust_busy = [step["users"] for step in steps if (step.get("cpu", {}).get("locust") or 0) > 80]
    if locust_busy:
        out += [
            "",
            f"Locust used more than 80% of a core at {', '.join(map(str, locust_busy))} users: the load "
            "generator may itself have slowed the figures.",
        ]
    for step in steps:
        out += [
            "",
            f"### {step['users']:,} users",
            "",
            "| endpoint | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | errors | SQL queries (median / max) |",
            "|---|--:|--:|--:|--:|--:|--:|--:|--:|",
        ]
        for name, e in _ordered(step["endpoints"]):
            p95 = _ms(e["p95_ms"])
            if e["p95_ms"] is not None and e["p95_ms"] >= P95_BUDGET_MS:
                p95 = f"**{p95}**"
            few = " (few)" if e["count"] < FEW_REQUESTS else ""
            out.append(
                f"| {name}{few} | {e['count']:,} | {e['rps']:g} | {_ms(e['p50_ms'])} | {p95} | {_ms(e['p99_ms'])} "
                f"| {_ms(e['max_ms'])} | {e['errors']} | {_queries(e)} |"
            )
        buckets = step.get("timeline") or []
        if buckets:
            out += [
                "",
                "p95 ms in each 10 s of the hold (one slow stretch among quick ones is a stall, not the load): "
                + ", ".join(_ms(b["p95_ms"]) for b in buckets)
                + ".",
            ]
        if step["error_samples"]:
            out += ["", "Errors:", ""]
            out += [f"* {s['endpoint']}: {s['error']} (×{s['occurrences']})" for s in step["error_samples"]]
    out += [
        "",
        f"“(few)”: fewer than {FEW_REQUESTS} requests in the step, so its percentiles are one or two requests.",
        "",
        "## Headline",
        "",
        result["headline"]["text"],
    ]
    sign_ins = result.get("sign_ins", {})
    if sign_ins.get("failed"):
        out += ["", f"{sign_ins['failed']} sign-ins failed:"]
        out += [f"* {f['error']} (×{f['occurrences']})" for f in sign_ins.get("failures", [])]

    profile = profile_summary(run_dir)
    if profile:
        about = result.get("profile") or {}
        out += [
            "",
            "## Where the workers' time went (py-spy)",
            "",
            f"py-spy recorded each gunicorn worker for {about.get('seconds', '?')} s of the hold at "
            f"{about.get('users', '?')} users ({profile['samples']:,} samples from "
            f"{', '.join(profile['files'])}; that step's figures include py-spy's own slowing of the workers). "
            "Inclusive: the share of samples with the function anywhere on the stack; own: at the top. "
            "Without --idle, py-spy leaves out the time a worker waits for its next request; waiting for "
            "PostgreSQL shows as psycopg's `wait`. The frames every request passes through (server loop, "
            "WSGI handler, middleware `__call__`, view decorators, the request's transaction) are left out.",
            "",
            "| function | samples | inclusive | own |",
            "|---|--:|--:|--:|",
        ]
        out += [
            f"| `{f['function']}` | {f['samples']:,} | {f['inclusive_pct']:g}% | {f['own_pct']:g}% |"
            for f in profile["top"]
        ]

    reference = saturation_reference()
    out += ["", "## Reference only: one endpoint at a time, saturated", ""]
    if reference and reference["endpoints"]:
        out += [
            f"From `docs/benchmarks-saturation.json` (run {reference['stamp']}, scale {reference['scale']:g}, "
            f"{reference['users']} users with no think time; `bash bench/run.sh --saturation`). These are "
            "capacities at saturation, where latency is mostly queueing: they do not say what people wait.",
            "",
            "| endpoint | req/s | p95 ms | SQL queries (max) |",
            "|---|--:|--:|--:|",
        ]
        out += [
            f"| {e['label']} | {e['rps']:.1f} | {_ms(e['p95_ms'])} | {_ms(e['queries_max'])} |"
            for e in reference["endpoints"]
        ]
    else:
        out.append("No saturation report yet: run `bash bench/run.sh --saturation`.")
    out.append("")
    return "\n".join(out)


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not Path(argv[0]).is_dir():
        print(__doc__, file=sys.stderr)
        return 2
    run_dir = Path(argv[0])
    run, result = _read_json(run_dir / "run.json"), _read_json(run_dir / "workforce.json")
    if not run or not result:
        print(f"{run_dir} has no run.json or workforce.json: not a finished workforce run.", file=sys.stderr)
        return 2
    text = render(run, result, _read_json(run_dir / "workforce-targets.json"), run_dir)
    (run_dir / "workforce.md").write_text(text)
    print(text)
    print(f"Wrote {run_dir / 'workforce.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
