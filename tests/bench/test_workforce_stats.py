"""The workforce figures: percentiles, a step's summary and the headline."""

from collections import Counter

from bench.workforce_stats import headline, percentile, step_problems, summarise_step, timeline


def samples(times, failures=0, queries=(), statuses=None):
    return {"times": list(times), "failures": failures, "queries": list(queries), "statuses": Counter(statuses or {})}


def step(users, p95s, errors=0, signed_in=None):
    """A step whose endpoints each had 20 requests, the two slowest taking the given p95 (the 19th of 20)."""
    endpoints = {}
    for index, (name, p95) in enumerate(p95s.items()):
        endpoints[name] = samples([10] * 18 + [p95] * 2, failures=errors if index == 0 else 0)
    result = summarise_step(users, 60, endpoints, Counter())
    result["signed_in"] = users if signed_in is None else signed_in
    return result


def test_percentile_is_nearest_rank():
    values = list(range(1, 101))

    assert percentile(values, 0.50) == 50
    assert percentile(values, 0.95) == 95
    assert percentile(values, 0.99) == 99
    assert percentile([7], 0.95) == 7
    assert percentile([], 0.95) is None


def test_a_step_summary_counts_requests_errors_and_queries_per_endpoint():
    endpoints = {
        "home": samples([20, 40, 60, 80], queries=[6, 6, 6, 7], statuses={200: 4}),
        "autosave": samples([10, 30], failures=1, queries=[7], statuses={200: 1, 409: 1}),
    }
    errors = Counter({("autosave", "HTTP 409"): 1})

    result = summarise_step(500, 10, endpoints, errors)

    assert (result["requests"], result["rps"], result["errors"]) == (6, 0.6, 1)
    assert result["queries_per_request"] == round((25 + 7) / 5, 2)
    home = result["endpoints"]["home"]
    assert (home["count"], home["p50_ms"], home["p95_ms"], home["max_ms"]) == (4, 40, 80, 80)
    assert (home["queries_median"], home["queries_max"]) == (6, 7)
    assert result["endpoints"]["autosave"]["statuses"] == {"200": 1, "409": 1}
    assert result["error_samples"] == [{"endpoint": "autosave", "error": "HTTP 409", "occurrences": 1}]


def test_a_step_misses_the_budget_for_a_slow_endpoint_errors_or_missing_sign_ins():
    assert step_problems(step(250, {"home": 40, "step": 99.9})) == []
    assert step_problems(step(250, {"home": 40, "review": 100})) == ["review p95 100 ms"]
    assert step_problems(step(250, {"autosave": 40, "home": 30}, errors=2)) == ["2 errors (autosave 2)"]
    assert step_problems(step(250, {"home": 40}, signed_in=240)) == ["only 240 of 250 users signed in"]


def test_the_headline_is_the_largest_step_within_budget_and_why_the_next_missed():
    steps = [
        step(250, {"home": 30, "review": 60}),
        step(500, {"home": 45, "review": 90}),
        step(1000, {"home": 80, "review": 180}, errors=3),
    ]

    result = headline(steps)

    assert result["users"] == 500
    assert result["next"] == {
        "users": 1000,
        "failed": True,
        "problems": ["review p95 180 ms", "3 errors (home 3)"],
    }
    assert result["text"].startswith("500 concurrent users: every endpoint's p95 under 100 ms and no errors.")
    assert "At 1,000 users: review p95 180 ms; 3 errors (home 3)." in result["text"]


def test_the_headline_says_when_even_the_largest_step_was_within_budget():
    result = headline([step(100, {"home": 20}), step(250, {"home": 30})])

    assert (result["users"], result["next"]) == (250, None)
    assert "250 was the largest step tried" in result["text"]


def test_the_headline_says_when_no_step_was_within_budget():
    result = headline([step(100, {"search": 250}), step(250, {"search": 400})])

    assert result["users"] is None
    assert result["next"]["users"] == 100
    assert result["text"].startswith("No step met the budget")


def test_a_noisy_smaller_step_that_missed_is_reported_beside_the_headline():
    result = headline([step(100, {"home": 150}), step(250, {"home": 30}), step(500, {"home": 200})])

    assert result["users"] == 250
    assert result["earlier_failures"] == [{"users": 100, "problems": ["home p95 150 ms"]}]


def test_the_timeline_shows_a_stall_as_one_slow_stretch():
    points = [(second + 0.5, 30.0) for second in range(30)] + [(12.0, 1800.0), (13.0, 1900.0)]

    buckets = timeline(points, bucket_s=10)

    assert [(b["from_s"], b["requests"], b["max_ms"]) for b in buckets] == [(0, 10, 30), (10, 12, 1900), (20, 10, 30)]
    assert buckets[1]["p95_ms"] == 1900
