"""``manage.py worker``: run queued tasks and the periodic jobs until stopped (jobs/worker.py)."""

import logging

from django.core.management.base import BaseCommand

from jobs.worker import run_worker


class Command(BaseCommand):
    help = "Run the background worker: queued tasks (django.tasks) and the periodic jobs. Stop with SIGTERM or Ctrl+C."

    def add_arguments(self, parser):
        parser.add_argument("--queue", default="default", help="queues to take tasks from, comma-separated")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between looks at an empty queue")
        parser.add_argument("--worker-id", default=None, help="a name unique among the running workers")

    def handle(self, *args, queue, interval, worker_id, verbosity, **options):
        if verbosity == 0:
            logging.getLogger("jobs").setLevel(logging.WARNING)
        run_worker(worker_id=worker_id, queues=queue.split(","), interval=interval)
