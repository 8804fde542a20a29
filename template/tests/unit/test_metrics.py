"""Metrics of several worker processes are summed; their directory starts empty."""

import os
from pathlib import Path

import pytest
from prometheus_client import Counter, values

from src.core.metrics import LABELS, exposition
from src.core.metrics_dir import MULTIPROCESS_DIR, share_metrics_between_workers

WORKER_PIDS = (101, 102)


def test_workers_samples_are_summed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MULTIPROCESS_DIR, str(tmp_path))
    for pid in WORKER_PIDS:
        # What prometheus_client does in a worker started with PROMETHEUS_MULTIPROC_DIR.
        value_class = values.MultiProcessValue(lambda pid=pid: pid)  # type: ignore[no-untyped-call]
        monkeypatch.setattr(values, "ValueClass", value_class)
        served = Counter("http_requests", "Served.", LABELS, registry=None)
        served.labels("GET", "/health/live", "200").inc()
    exposed = exposition().decode()
    assert 'http_requests_total{method="GET",route="/health/live",status="200"} 2.0' in exposed


def test_one_worker_keeps_its_metrics_in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MULTIPROCESS_DIR, raising=False)
    share_metrics_between_workers(1)
    assert MULTIPROCESS_DIR not in os.environ


def test_several_workers_get_a_new_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MULTIPROCESS_DIR, raising=False)
    share_metrics_between_workers(2)
    directory = Path(os.environ[MULTIPROCESS_DIR])
    assert directory.is_dir()
    assert not any(directory.iterdir())
    directory.rmdir()


def test_a_given_directory_is_emptied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stale = tmp_path / "counter_4242.db"
    stale.write_bytes(b"from an earlier run")
    kept = tmp_path / "notes.txt"
    kept.write_text("not a sample")
    monkeypatch.setenv(MULTIPROCESS_DIR, str(tmp_path))
    share_metrics_between_workers(1)
    assert not stale.exists()
    assert kept.exists()
