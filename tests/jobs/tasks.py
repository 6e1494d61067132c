"""Tasks for the worker's tests. They write to a file the test names, so that another process
(the real worker) can show the test what it did and when."""

import os
import time
from pathlib import Path

from django.tasks import task


def mark(path: str, what: str) -> None:
    with Path(path).open("a") as handle:
        handle.write(f"{what} {os.getpid()} {time.time():.3f}\n")


@task
def write_mark(path: str, what: str = "done") -> str:
    mark(path, what)
    return what


@task
def slow(path: str, seconds: float) -> str:
    """Marks its start and its end: two runs at the same time would show as overlapping."""
    mark(path, "start")
    time.sleep(seconds)
    mark(path, "end")
    return "slept"


@task
def fail_first(path: str, failures: int) -> str:
    """Raises the first ``failures`` times it runs, then succeeds."""
    runs = len(Path(path).read_text().splitlines()) if Path(path).exists() else 0
    mark(path, "run")
    if runs < failures:
        raise ConnectionError(f"the partner's server refused (run {runs + 1})")
    return "finally"
