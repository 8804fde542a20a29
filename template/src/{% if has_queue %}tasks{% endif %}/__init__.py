"""Background jobs: what each kind does (jobs.py), how one is run (runner.py), the queue."""
