"""The project's production settings with one more address, the constant page at /bench/floor/
(bench/floor/urls.py): bench/run.py serves the project with these to measure its floor, the
whole middleware stack answering a page that costs nothing."""

from newsroom.settings import *  # noqa: F403

ROOT_URLCONF = "bench.floor.urls"
