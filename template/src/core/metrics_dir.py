"""Where the worker processes of one server keep their metrics (Prometheus multiprocess mode).

prometheus_client chooses how it stores values when it is imported: the entry
point calls this before anything imports it.
"""

import os
import tempfile
from pathlib import Path

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"


def share_metrics_between_workers(workers: int) -> None:
    """With several workers, each writes its samples to a file in one directory; /metrics sums them.

    A directory named in PROMETHEUS_MULTIPROC_DIR (a volume, say) is emptied, as
    the samples of an earlier run would be counted again; otherwise a new one is made.
    """
    given = os.environ.get(MULTIPROCESS_DIR)
    if given:
        Path(given).mkdir(parents=True, exist_ok=True)
        for stale in Path(given).glob("*.db"):
            stale.unlink()
    elif workers > 1:
        os.environ[MULTIPROCESS_DIR] = tempfile.mkdtemp(prefix="metrics-")
