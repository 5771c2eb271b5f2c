"""The workforce report's py-spy summary: functions by inclusive samples from collapsed stacks."""

from bench.workforce_report import frame_name, parse_collapsed, top_functions

RAW = [
    'process 101:"gunicorn: worker [config.wsgi]";handle (gunicorn/workers/sync.py:135);'
    "get_response (django/core/handlers/base.py:140);step (checklists/views.py:301);"
    "render (django/template/base.py:171) 60\n",
    'process 101:"gunicorn: worker [config.wsgi]";handle (gunicorn/workers/sync.py:135);'
    "get_response (django/core/handlers/base.py:140);step (checklists/views.py:330);"
    "execute (django/db/backends/utils.py:100) 30\n",
    'process 101:"gunicorn: worker [config.wsgi]";wait (gunicorn/workers/sync.py:37) 10\n',
    "not a stack line\n",
]


def test_collapsed_stacks_are_counted_and_junk_is_skipped():
    stacks = parse_collapsed(RAW + RAW[:1])

    assert sum(stacks.values()) == 160
    assert len(stacks) == 3


def test_functions_are_ranked_by_inclusive_samples_without_the_request_plumbing():
    top = top_functions(parse_collapsed(RAW))

    # The server loop and the WSGI handler are on nearly every stack: they are left out.
    assert [(f["function"], f["samples"], f["inclusive_pct"], f["own_pct"]) for f in top] == [
        ("step (checklists/views.py)", 90, 90.0, 0.0),
        ("render (django/template/base.py)", 60, 60.0, 60.0),
        ("execute (django/db/backends/utils.py)", 30, 30.0, 30.0),
    ]
    assert len(top_functions(parse_collapsed(RAW), limit=2)) == 2


def test_functions_with_as_many_samples_are_listed_in_name_order():
    stacks = parse_collapsed(["view (a.py:1);b (b.py:2) 5\n", "view (a.py:1);a (a.py:3) 5\n"])

    assert [f["function"] for f in top_functions(stacks)] == ["view (a.py)", "a (a.py)", "b (b.py)"]


def test_a_recursive_function_counts_once_per_sample():
    top = top_functions(parse_collapsed(["render (t.py:1);render (t.py:9);render (t.py:1) 5\n"]))

    assert top == [{"function": "render (t.py)", "samples": 5, "inclusive_pct": 100.0, "own_pct": 100.0}]


def test_frame_names_drop_line_numbers_and_library_prefixes():
    long = "render (/work/main/.venv/lib/python3.11/site-packages/django/template/base.py:171)"

    assert frame_name(long) == "render (django/template/base.py)"
    assert frame_name("run (/root/.pyenv/versions/3.11.7/lib/python3.11/threading.py:982)") == "run (threading.py)"
    assert frame_name('process 7:"python"') is None
