"""Turn one saturation run into bench-results/<stamp>.json and docs/benchmarks-saturation.{json,md}.

    python bench/report.py bench-results/<stamp>     # a run directory written by bench/run.sh
    python bench/report.py docs/benchmarks-saturation.json      # re-render the Markdown from a report

docs/benchmarks-saturation.md is generated, except the text between the analysis markers, which is kept.
"""

import json
import os
import platform
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench-results"
DOCS_JSON = ROOT / "docs" / "benchmarks-saturation.json"
DOCS_MD = ROOT / "docs" / "benchmarks-saturation.md"
ANALYSIS_START = "<!-- analysis:start -->"
ANALYSIS_END = "<!-- analysis:end -->"
DEFAULT_ANALYSIS = (
    "_No analysis yet. After a run at the default volume, explain each missed budget here: "
    "why it was missed, and what would fix it._"
)
GROWTH_SCALES = (0.1, 1.0)

MAX_QUERIES = 10
MAX_P95_MS = 100
QUEUE_OVER_ADMIN = 2.0


# -- collecting -------------------------------------------------------------------------------------


def _read_json(path: Path):
    return json.loads(path.read_text())


def _command_output(*command: str) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine_info(database: dict) -> dict:
    cpu = ""
    memory_gb = None
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        cpu = platform.processor()
    try:
        kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory_gb = round(kib / 1024 / 1024, 1)
    except (OSError, AttributeError):
        pass
    redis_version = ""
    try:
        import redis

        url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/1")
        redis_version = redis.Redis.from_url(url, socket_timeout=2).info("server").get("redis_version", "")
    except Exception:  # noqa: BLE001 - the report is still useful without it
        redis_version = "unknown"
    postgres = database.get("version", "")
    match = re.match(r"PostgreSQL [\d.]+", postgres)
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": memory_gb,
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": _version("Django"),
        "gunicorn": _version("gunicorn"),
        "locust": _version("locust"),
        "postgresql": match.group(0) if match else postgres,
        "redis": redis_version,
    }


def collect(run_dir: Path) -> dict:
    run = _read_json(run_dir / "run.json")
    targets = _read_json(run_dir / "targets.json")
    endpoints = []
    for target in targets["endpoints"]:
        if run.get("only") and target["name"] not in run["only"]:
            continue
        path = run_dir / f"endpoint-{target['name']}.json"
        if not path.exists():
            endpoints.append(
                {**_describe(target), "status": "failed", "reason": "locust wrote no figures", "errors": 1}
            )
            continue
        figures = _read_json(path)
        errors = figures["failures"] + figures["warmup_failures"] + len(figures["sign_in_failures"])
        if not figures["requests"]:
            first = (
                figures["sign_in_failures"] or [e["error"] for e in figures["errors"]] or ["no request completed"]
            )[0]
            endpoints.append({**_describe(target), "status": "failed", "reason": first, "errors": max(errors, 1)})
            continue
        endpoints.append(
            {
                **_describe(target),
                "status": "measured",
                "url": figures["url"],
                "requests": figures["requests"],
                "rps": figures["rps"],
                "p50_ms": figures["p50_ms"],
                "p95_ms": figures["p95_ms"],
                "p99_ms": figures["p99_ms"],
                "mean_ms": figures["mean_ms"],
                "max_ms": figures["max_ms"],
                "errors": errors,
                "error_detail": figures["errors"] + [{"error": f} for f in figures["sign_in_failures"]],
                "statuses": figures["statuses"],
                "queries_median": figures["queries_median"],
                "queries_max": figures["queries_max"],
                "load_average": figures.get("load_average"),
            }
        )
    for target in targets["missing"]:
        endpoints.append({**_describe(target), "status": "missing", "reason": target["reason"]})
    order = [name for name, *_ in ENDPOINT_ORDER]
    endpoints.sort(key=lambda e: order.index(e["name"]) if e["name"] in order else len(order))

    baseline = _find(endpoints, "baseline")
    for endpoint in endpoints:
        if endpoint["status"] != "measured":
            endpoint["ratio_to_baseline"] = None
            continue
        # The mean of the baselines taken just before and just after this endpoint, where the run took
        # them (bench/run.sh), or else the one at the start of the run.
        around = [
            _read_json(path)
            for when in ("before", "after")
            if (path := run_dir / f"baseline-{when}-{endpoint['name']}.json").exists()
        ]
        rates = [figures["rps"] for figures in around if figures.get("requests") and figures.get("rps")]
        if rates:
            endpoint["baseline_rps"] = round(sum(rates) / len(rates), 1)
            endpoint["baseline_rps_around"] = rates
        elif baseline and baseline["status"] == "measured":
            endpoint["baseline_rps"] = baseline["rps"]
        else:
            endpoint["ratio_to_baseline"] = None
            continue
        endpoint["ratio_to_baseline"] = round(endpoint["rps"] / endpoint["baseline_rps"], 3)

    generation = ""
    log = run_dir / "generate.log"
    if log.exists():
        lines = [line for line in log.read_text().splitlines() if line.startswith(("Generated", "Bench data"))]
        generation = lines[-1] if lines else ""
    commit = _command_output("git", "rev-parse", "--short", "HEAD")
    if _command_output("git", "status", "--porcelain", "--untracked-files=no"):
        commit += " (with uncommitted changes)"
    return {
        "stamp": run["stamp"],
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit,
        "run": run,
        "database": targets["database"],
        "machine": machine_info(targets["database"]),
        "generation": generation,
        "endpoints": endpoints,
    }


# name, what it stands for
ENDPOINT_ORDER = [
    ("baseline", "the ceiling for any Django response on this machine"),
    ("theme", "guidance"),
    ("search", "guidance"),
    ("home", "data page"),
    ("my_checklists", "data page"),
    ("step", "data page"),
    ("autosave", "data write"),
    ("queue", "data page"),
    ("review", "data page"),
    ("admin_changelist", "the comparison for the queue"),
]


def _describe(target: dict) -> dict:
    return {
        "name": target["name"],
        "label": target["label"],
        "group": target["group"],
        "method": target.get("method", "GET" if target["name"] != "autosave" else "POST"),
        "url_name": target["url_name"],
    }


def _find(endpoints: list[dict], name: str) -> dict | None:
    return next((e for e in endpoints if e["name"] == name), None)


# -- budgets -----------------------------------------------------------------------------------------


def evaluate(report: dict) -> list[dict]:
    endpoints = report["endpoints"]
    measured = [e for e in endpoints if e["status"] == "measured"]
    unmeasured = [e for e in endpoints if e["status"] != "measured"]
    pages = [e for e in measured if e["name"] != "baseline"]
    budgets = []

    def add(key, text, offenders, checked, detail, missing=()):
        if offenders:
            status = "missed"
        elif missing or not checked:
            status = "not measured"
        else:
            status = "met"
        budgets.append(
            {
                "key": key,
                "budget": text,
                "status": status,
                "detail": detail,
                "offenders": offenders,
                "not_measured": list(missing),
                "checked": checked,
            }
        )

    over = [
        {"name": e["name"], "value": e["queries_max"]}
        for e in pages
        if e["queries_max"] is not None and e["queries_max"] > MAX_QUERIES
    ]
    no_header = [e for e in pages if e["queries_max"] is None]
    add(
        "queries",
        f"Every page runs at most {MAX_QUERIES} SQL queries",
        over,
        [e["name"] for e in pages],
        ", ".join(f"{e['name']} {e['queries_max']}" for e in pages if e["queries_max"] is not None),
        [e["name"] for e in unmeasured + no_header],
    )

    slow = [{"name": e["name"], "value": e["p95_ms"]} for e in measured if e["p95_ms"] >= MAX_P95_MS]
    add(
        "p95",
        f"p95 under {MAX_P95_MS} ms for every endpoint",
        slow,
        [e["name"] for e in measured],
        ", ".join(f"{e['name']} {e['p95_ms']} ms" for e in measured),
        [e["name"] for e in unmeasured],
    )

    queue, admin = _find(endpoints, "queue"), _find(endpoints, "admin_changelist")
    both = queue and admin and queue["status"] == admin["status"] == "measured"
    times = round(queue["rps"] / admin["rps"], 2) if both and admin["rps"] else None
    add(
        "queue_vs_admin",
        "The supervisor queue is at least 2× the admin changelist's throughput",
        [{"name": "queue", "value": times}] if both and (times is None or times < QUEUE_OVER_ADMIN) else [],
        ["queue", "admin_changelist"] if both else [],
        f"queue {queue['rps']} req/s, admin {admin['rps']} req/s: {times}×" if both else "",
        []
        if both
        else [
            name for name, e in (("queue", queue), ("admin_changelist", admin)) if not e or e["status"] != "measured"
        ],
    )

    failed = [e for e in endpoints if e["status"] == "failed"]
    failing = [{"name": e["name"], "value": e["errors"]} for e in measured + failed if e["errors"]]
    add(
        "errors",
        "Zero errors",
        failing,
        [e["name"] for e in measured],
        f"{sum(e['errors'] for e in measured + failed)} errors in {sum(e['requests'] for e in measured):,} requests",
        [e["name"] for e in unmeasured if e["status"] == "missing"],
    )
    return budgets


# -- growth ------------------------------------------------------------------------------------------


def _summary(report: dict) -> dict:
    return {
        "stamp": report["stamp"],
        "scale": report["run"]["scale"],
        "checklists": report["database"].get("checklists"),
        "answers": report["database"].get("answers"),
        "endpoints": {
            e["name"]: {
                "rps": e["rps"],
                "p95_ms": e["p95_ms"],
                "queries_max": e["queries_max"],
                "ratio_to_baseline": e["ratio_to_baseline"],
            }
            for e in report["endpoints"]
            if e["status"] == "measured"
        },
    }


def growth(report: dict) -> dict:
    """The latest full run at each growth scale, from bench-results/ and the committed report."""
    candidates = []
    if DOCS_JSON.exists():
        candidates.extend(_read_json(DOCS_JSON).get("growth", {}).values())
    for path in RESULTS.glob("*.json"):
        try:
            other = _read_json(path)
        except (OSError, ValueError):
            continue
        if not other.get("run", {}).get("only"):
            candidates.append(_summary(other))
    if not report["run"].get("only"):
        candidates.append(_summary(report))
    chosen = {}
    for scale in GROWTH_SCALES:
        runs = [c for c in candidates if abs(c["scale"] - scale) < 1e-9]
        if runs:
            chosen[f"{scale:g}"] = max(runs, key=lambda c: c["stamp"])
    return chosen


# -- rendering ---------------------------------------------------------------------------------------


def _ms(value) -> str:
    return "–" if value is None else f"{value:g}"


def _queries(endpoint: dict) -> str:
    if endpoint["queries_max"] is None:
        return "–"
    median = endpoint["queries_median"]
    median = f"{median:g}" if isinstance(median, float) else str(median)
    return median if median == str(endpoint["queries_max"]) else f"{median} / {endpoint['queries_max']}"


HINTS = {
    "queries": "Load related rows with `select_related`/`prefetch_related`, count with one aggregate, "
    "and cache what does not change per request.",
    "p95": "Under saturation p95 is mostly queueing, so it follows throughput; then check query plans "
    "(`EXPLAIN ANALYZE`): an index for each filter and ordering, keyset pagination instead of `COUNT(*)` "
    "and `OFFSET` on big tables.",
    "guidance_ratio": "Guidance changes only when an editor saves: cache the rendered content (cleared on save), "
    "so a request costs the session and one cache read.",
    "data_ratio": "Fewer and cheaper queries, indexes that match each filter and ordering, lighter templates.",
    "queue_vs_admin": "The queue should do less than the admin changelist: no full `COUNT(*)`, only the "
    "columns it shows, an index on (team, status, submitted_at).",
    "errors": "See `bench-results/{stamp}/locust-<endpoint>.log` and `gunicorn.log`.",
}
UNITS = {"p95": " ms", "guidance_ratio": "×", "data_ratio": "×", "queue_vs_admin": "×"}


def _hint(budget: dict, report: dict) -> list[str]:
    lines = []
    if budget["offenders"]:
        unit = UNITS.get(budget["key"], "")
        values = ", ".join(f"`{o['name']}` {o['value']}{unit}" for o in budget["offenders"])
        lines.append(f"{values}. {HINTS[budget['key']].format(stamp=report['stamp'])}")
    if budget["not_measured"]:
        lines.append("Not measured: " + ", ".join(f"`{name}`" for name in budget["not_measured"]) + " (see the table).")
    return lines


def render(report: dict, analysis: str) -> str:
    run, machine, database = report["run"], report["machine"], report["database"]
    when = report["generated_at"][:16].replace("T", " ")
    out = [
        "# Benchmarks",
        "",
        "<!-- Generated by bench/report.py from docs/benchmarks-saturation.json. "
        "Edit only between the analysis markers. -->",
        "",
        f"Latest run: {when} UTC, commit `{report['commit']}`, scale {run['scale']:g} "
        f"({database.get('checklists', 0):,} checklists, {database.get('answers', 0):,} answers, "
        f"{database.get('fcas', 0):,} FCAs in {database.get('teams', 0)} teams).",
    ]
    if run.get("only"):
        out += ["", f"**Partial run**: only {', '.join(run['only'])}."]
    out += [
        "",
        "## Method",
        "",
        "`bash bench/run.sh --saturation` runs the real application the way it is deployed, saturating one "
        "endpoint at a time. It is for reference only: `make bench` runs the workforce benchmark, which tests "
        "the 100 ms budget with realistic think times (`bench/README.md`).",
        "",
        "",
        "* **Data**: `manage.py generate_bench_data` fills PostgreSQL with bench teams, FCAs, supervisors and "
        "checklists over three years, mostly signed off, some submitted, returned or draft (COPY on PostgreSQL). "
        "Scale 1.0 is 50 teams, 2,000 FCAs, 200,000 checklists and 2,000,000 answers. "
        + (f"This run: {report['generation']}" if report.get("generation") else ""),
        f"* **Server**: gunicorn, {run['workers']} sync workers on {machine['cores']} cores, with "
        "`config.settings.production` unchanged, PostgreSQL and Redis (cache and sessions).",
        f"* **Load**: locust, headless, one endpoint at a time: {run['users']} concurrent users, each signed in as "
        f"a bench account and requesting with no think time for {run['warmup_s']} s of warm-up (not counted) and "
        f"then {run['duration_s']} s. With no think time the server is saturated, so requests per second is its "
        "capacity, and latency includes queueing for a worker.",
        "* **Baseline**: `/healthz/live` in the same run: the most a Django response can do on this machine. "
        + (
            f"It is measured first, and again for {run['baseline_each_s']} s between endpoints and after the last: "
            "each endpoint's throughput is given as a ratio to the mean of the baselines taken just before and "
            "just after it, because the machine's speed drifts during a run."
            if run.get("baseline_each_s")
            else "Each endpoint's throughput is also given as a ratio to it."
        ),
        "* **SQL queries** per request come from an `X-DB-Queries` response header, added only when "
        "`BENCH_COUNT_QUERIES=1` (`bench/middleware.py`); it counts every statement, session and "
        "authentication included.",
        "* **HTTPS**: production settings mark cookies Secure and trust the proxy's `X-Forwarded-Proto`. The load "
        "speaks plain HTTP to 127.0.0.1, so it sends `X-Forwarded-Proto: https` as the proxy would, and sets its "
        "cookies by hand (a cookie jar withholds Secure cookies from `http://`). Production settings stay exact.",
        "* The load generator shares the machine's cores with the server, and the baseline pays the same cost.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        f"| CPU | {machine['cores']} cores, {machine['cpu']} |",
        f"| Memory | {machine['memory_gb']} GB |",
        f"| OS | {machine['os']} |",
        f"| PostgreSQL | {machine['postgresql']} |",
        f"| Redis | {machine['redis']} |",
        f"| Python, Django | {machine['python']}, {machine['django']} |",
        f"| gunicorn, locust | {machine['gunicorn']}, {machine['locust']} |",
        f"| 1-minute load average during the run | {_load_range(report)} |",
        "",
        "## Results",
        "",
        "| endpoint | req/s | × baseline | baseline req/s before / after | p50 ms | p95 ms | p99 ms | errors "
        "| SQL queries (median / max) |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for e in report["endpoints"]:
        label = f"{e['label']}<br>`{e['method']} {e.get('url') or e['url_name'] or ''}`"
        if e["status"] != "measured":
            out.append(f"| {e['label']} | **{e['status'].upper()}** | | | | | | | {e['reason']} |")
            continue
        ratio = _ratio(e)
        around = e.get("baseline_rps_around") or ([e["baseline_rps"]] if e.get("baseline_rps") else [])
        before = " / ".join(f"{rps:.1f}" for rps in around) if around and e["name"] != "baseline" else "–"
        out.append(
            f"| {label} | {e['rps']:.1f} | {ratio} | {before} | {_ms(e['p50_ms'])} | {_ms(e['p95_ms'])} | "
            f"{_ms(e['p99_ms'])} | {e['errors']} | {_queries(e)} |"
        )
    out += ["", "## Budgets", "", "| budget | result | measured |", "|---|---|---|"]
    for budget in report["budgets"]:
        result = {"met": "met", "missed": "**missed**", "not measured": "**not measured**"}[budget["status"]]
        out.append(f"| {budget['budget']} | {result} | {budget['detail'] or '–'} |")
    missed = [b for b in report["budgets"] if b["status"] != "met"]
    if missed:
        out += ["", "### What was missed", ""]
        for budget in missed:
            out.append(f"* **{budget['budget']}**")
            out += [f"  * {line}" for line in _hint(budget, report)]
    out += ["", "### Why, and what would fix it", "", ANALYSIS_START, analysis.strip(), ANALYSIS_END]

    out += ["", "## Growth: 0.1× to 1×", ""]
    small, full = report["growth"].get("0.1"), report["growth"].get("1")
    if small and full:
        out += [
            f"Runs {small['stamp']} (scale 0.1, {small['checklists']:,} checklists) and {full['stamp']} "
            f"(scale 1, {full['checklists']:,} checklists). Per-request cost should not grow with the data: "
            "the query count should be equal and the ratio to the baseline about the same.",
            "",
            "| endpoint | req/s 0.1× | req/s 1× | × baseline 0.1× | × baseline 1× | p95 ms 0.1× | p95 ms 1× | "
            "queries 0.1× | queries 1× |",
            "|---|--:|--:|--:|--:|--:|--:|--:|--:|",
        ]
        for name, _ in ENDPOINT_ORDER:
            a, b = small["endpoints"].get(name), full["endpoints"].get(name)
            if not a or not b:
                continue
            out.append(
                f"| {name} | {a['rps']:.1f} | {b['rps']:.1f} | {_ratio(a)} | {_ratio(b)} | {_ms(a['p95_ms'])} | "
                f"{_ms(b['p95_ms'])} | {_ms(a['queries_max'])} | {_ms(b['queries_max'])} |"
            )
    else:
        have = ", ".join(f"{scale}× ({run['stamp']})" for scale, run in report["growth"].items()) or "none"
        out.append(
            f"Needs a full run at both 0.1× and 1× scale; runs so far: {have}. "
            "Run `bash bench/run.sh --scale 0.1` and `bash bench/run.sh --scale 1`."
        )
    out += [
        "",
        "## Reproduce",
        "",
        "With PostgreSQL and Redis running on 127.0.0.1 (see the README's Benchmarks section):",
        "",
        "```sh",
        f"bash bench/run.sh --saturation --scale {run['scale']:g} --duration {run['duration_s']} "
        f"--users {run['users']} --workers {run['workers']}",
        "bash bench/run.sh --saturation    # the defaults: scale 1, 20 s per endpoint, 8 users, one worker per core",
        "```",
        "",
        "Raw figures and logs are in `bench-results/<timestamp>/`; the report is `docs/benchmarks-saturation.json`.",
        "",
    ]
    return "\n".join(out)


def _load_range(report: dict) -> str:
    """A machine busy with other work gives noisy figures; say how busy it was."""
    before = report["run"].get("load_before")
    during = [v for e in report["endpoints"] for v in (e.get("load_average") or []) if v is not None]
    parts = []
    if before is not None:
        busy = before > report["machine"]["cores"] / 2
        parts.append(f"{before:.1f} before the run" + (" (other work was running: figures are noisy)" if busy else ""))
    if during:
        parts.append(f"{min(during):.1f} to {max(during):.1f} during it")
    return ", ".join(parts) or "unknown"


def _ratio(figures: dict) -> str:
    ratio = figures.get("ratio_to_baseline")
    return "–" if ratio is None else f"{ratio:.2f}"


def existing_analysis() -> str:
    if not DOCS_MD.exists():
        return DEFAULT_ANALYSIS
    text = DOCS_MD.read_text()
    start, end = text.find(ANALYSIS_START), text.find(ANALYSIS_END)
    if start == -1 or end == -1 or end < start:
        return DEFAULT_ANALYSIS
    return text[start + len(ANALYSIS_START) : end].strip() or DEFAULT_ANALYSIS


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    source = Path(argv[0])
    if source.is_dir():
        report = collect(source)
        report["budgets"] = evaluate(report)
        report["growth"] = growth(report)
        RESULTS.mkdir(exist_ok=True)
        result_path = RESULTS / f"{report['stamp']}.json"
        result_path.write_text(json.dumps(report, indent=2) + "\n")
        print(f"Wrote {result_path.relative_to(ROOT)}")
        if report["run"].get("only"):
            # A partial run is for development: it never replaces the committed report.
            print(render(report, existing_analysis()))
            return 0
        shutil.copyfile(result_path, DOCS_JSON)
        print(f"Wrote {DOCS_JSON.relative_to(ROOT)}")
    elif source.is_file():
        report = _read_json(source)
    else:
        print(f"No such run directory or report: {source}", file=sys.stderr)
        return 2
    DOCS_MD.write_text(render(report, existing_analysis()))
    print(f"Wrote {DOCS_MD.relative_to(ROOT)}")
    for budget in report["budgets"]:
        print(f"  {budget['status']:>12}  {budget['budget']}")
    for endpoint in report["endpoints"]:
        if endpoint["status"] != "measured":
            print(f"  {endpoint['status'].upper():>12}  {endpoint['name']}: {endpoint['reason']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
