import logging


class StripRequestFilter(logging.Filter):
    """Drop the request object from log records so handlers can never serialise a body.

    Django attaches ``request`` to error records; a formatter or a future handler that
    dumped it could write sensitive answers to the logs. The message and status stay.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if hasattr(record, "request"):
            record.request = None
        return True
