"""Count the SQL queries each request runs, for the benchmark. Enabled only by BENCH_COUNT_QUERIES=1."""

from django.db import connections


class QueryCountMiddleware:
    """Adds an X-DB-Queries header: every statement run on any database while serving the request.

    It sits first in MIDDLEWARE so that it also counts what other middleware does (the session,
    the user, the session timeout). It costs one Python call per query, not the query log that
    DEBUG keeps.
    """

    header = "X-DB-Queries"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        wrappers = [connection.execute_wrapper(counter) for connection in connections.all()]
        for wrapper in wrappers:
            wrapper.__enter__()
        try:
            response = self.get_response(request)
        finally:
            for wrapper in reversed(wrappers):
                wrapper.__exit__(None, None, None)
        response[self.header] = str(count)
        return response
