"""Figures for the workforce benchmark: percentiles, one step's summary, and the headline.

Plain Python with no dependencies, so that the locust file, the report and the tests share it.
"""

import math
import statistics
from collections import Counter

P95_BUDGET_MS = 100
# Below this many requests in a step, an endpoint's p95 is one or two requests: the report says so.
FEW_REQUESTS = 20


def percentile(values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least `fraction` of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def summarise_endpoint(samples: dict, seconds: float) -> dict:
    """One endpoint's figures in one step, from the raw lists the locust listener keeps.

    `samples` holds `times` (ms), `failures` (count), `statuses` (status code -> count) and
    `queries` (the X-DB-Queries header of each response that had one).
    """
    times, queries = samples["times"], samples["queries"]
    count = len(times)
    return {
        "count": count,
        "rps": round(count / seconds, 2) if seconds else 0.0,
        "p50_ms": _round(percentile(times, 0.50)),
        "p95_ms": _round(percentile(times, 0.95)),
        "p99_ms": _round(percentile(times, 0.99)),
        "max_ms": _round(max(times)) if times else None,
        "errors": samples["failures"],
        "statuses": {str(status): number for status, number in sorted(samples["statuses"].items())},
        "queries_median": statistics.median(queries) if queries else None,
        "queries_max": max(queries) if queries else None,
        "queries_total": sum(queries),
        "queries_counted": len(queries),
    }


def summarise_step(users: int, seconds: float, endpoints: dict[str, dict], errors: Counter) -> dict:
    """A step's totals and per-endpoint figures. `errors` counts (endpoint, message) pairs."""
    figures = {name: summarise_endpoint(samples, seconds) for name, samples in sorted(endpoints.items())}
    requests = sum(e["count"] for e in figures.values())
    counted = sum(e["queries_counted"] for e in figures.values())
    return {
        "users": users,
        "measured_s": round(seconds, 1),
        "requests": requests,
        "rps": round(requests / seconds, 2) if seconds else 0.0,
        "errors": sum(e["errors"] for e in figures.values()),
        "error_samples": [
            {"endpoint": endpoint, "error": message, "occurrences": number}
            for (endpoint, message), number in errors.most_common(20)
        ],
        "queries_per_request": round(sum(e["queries_total"] for e in figures.values()) / counted, 2)
        if counted
        else None,
        "endpoints": figures,
    }


def timeline(points: list[tuple[float, float]], bucket_s: float = 10) -> list[dict]:
    """Requests and latency in each `bucket_s` of a hold, from (seconds into the hold, ms) pairs.

    A stall (the machine busy with something else, a checkpoint) shows as one slow bucket among
    quick ones, where a server at its limit is slow throughout.
    """
    buckets: dict[int, list[float]] = {}
    for at, ms in points:
        buckets.setdefault(int(at // bucket_s), []).append(ms)
    return [
        {
            "from_s": index * bucket_s,
            "requests": len(times),
            "p95_ms": _round(percentile(times, 0.95)),
            "max_ms": _round(max(times)),
        }
        for index, times in sorted(buckets.items())
    ]


def step_problems(step: dict, budget_ms: float = P95_BUDGET_MS) -> list[str]:
    """Why a step misses the budget (every endpoint's p95 under budget_ms, no errors); empty if it meets it."""
    problems = []
    signed_in = step.get("signed_in", step["users"])
    if signed_in < step["users"]:
        problems.append(f"only {signed_in:,} of {step['users']:,} users signed in")
    if not step["requests"]:
        problems.append("no request was measured")
    slow = [
        (name, e["p95_ms"])
        for name, e in step["endpoints"].items()
        if e["p95_ms"] is not None and e["p95_ms"] >= budget_ms
    ]
    for name, p95 in sorted(slow, key=lambda item: -item[1]):
        problems.append(f"{name} p95 {p95:g} ms")
    if step["errors"]:
        by_endpoint = ", ".join(f"{name} {e['errors']}" for name, e in step["endpoints"].items() if e["errors"])
        problems.append(f"{step['errors']} errors ({by_endpoint})")
    return problems


def headline(steps: list[dict], budget_ms: float = P95_BUDGET_MS) -> dict:
    """The largest step that met the budget, and what went wrong at the step after it."""
    verdicts = [step_problems(step, budget_ms) for step in steps]
    passed = [index for index, problems in enumerate(verdicts) if not problems]
    best = passed[-1] if passed else None
    result = {
        "budget": f"every endpoint's p95 under {budget_ms:g} ms and no errors",
        "users": steps[best]["users"] if best is not None else None,
        "next": None,
        "earlier_failures": [
            {"users": steps[index]["users"], "problems": verdicts[index]}
            for index in range(best if best is not None else 0)
            if verdicts[index]
        ],
    }
    following = 0 if best is None else best + 1
    if following < len(steps):
        result["next"] = {
            "users": steps[following]["users"],
            "failed": bool(verdicts[following]),
            "problems": verdicts[following],
        }
    result["text"] = _headline_text(result, steps)
    return result


def _headline_text(result: dict, steps: list[dict]) -> str:
    if not steps:
        return "No step was measured."
    following = result["next"]
    if result["users"] is None:
        return f"No step met the budget ({result['budget']}): at {following['users']:,} users, " + "; ".join(
            following["problems"]
        )
    text = f"{result['users']:,} concurrent users: {result['budget']}."
    if following is None:
        text += f" {result['users']:,} was the largest step tried, so the limit is higher."
    else:
        text += f" At {following['users']:,} users: " + "; ".join(following["problems"]) + "."
    if result["earlier_failures"]:
        text += " (Smaller steps missed it too: " + "; ".join(
            f"{f['users']:,} users: {', '.join(f['problems'])}" for f in result["earlier_failures"]
        )
        text += ". The figures are noisy.)"
    return text


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
