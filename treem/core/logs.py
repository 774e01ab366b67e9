"""What the server's console prints."""

import logging


class NoTracebackForClientErrors(logging.Filter):
    """A refused request (403, 404) is logged on one line, as a warning: its
    traceback (Django attaches one to PermissionDenied) read like a crash to
    whoever watches the console. Server errors keep theirs."""

    def filter(self, record):
        status = getattr(record, "status_code", None)
        if status is not None and 400 <= status < 500:
            record.exc_info, record.exc_text = None, None
        return True
