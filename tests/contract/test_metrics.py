"""GET /metrics: every framework names the same series, with the same labels, for the same requests.

The labels are the route's template (not the raw path), one fixed value for any
path no route matches, the method and the status; with several worker processes,
/metrics sums what each one counted.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import httpx
import pytest

from tests.contract.conftest import Services, client_for
from tests.contract.live import LiveService

pytestmark = pytest.mark.covering("framework")

METRICS = "/metrics"
UNMATCHED = "<unmatched>"
# Each family the service exports about its HTTP requests, with its type (`# TYPE` line).
FAMILIES = {"http_requests_total": "counter", "http_request_duration_seconds": "histogram"}
# The series of those families: each has exactly these labels (a bucket, `le` too).
SERIES = {
    "http_requests_total",
    "http_request_duration_seconds_bucket",
    "http_request_duration_seconds_count",
    "http_request_duration_seconds_sum",
}
LABELS = {"method", "route", "status"}
WORKERS = 2
# Enough requests that both workers of a two-worker server almost surely serve some.
SPREAD_REQUESTS = 40

# Lines of Prometheus' text format: `# TYPE name type`, and `name{label="value",...} value`.
TYPE_LINE = re.compile(r"# TYPE (?P<name>\S+) (?P<type>\S+)")
SAMPLE_LINE = re.compile(r"(?P<name>[A-Za-z_:][\w:]*)(?:\{(?P<labels>.*)\})? (?P<value>\S+)")
LABEL = re.compile(r'(?P<label>\w+)="(?P<value>(?:[^"\\]|\\.)*)"')

Series = tuple[str, tuple[tuple[str, str], ...]]


def scrape(api: httpx.Client) -> tuple[dict[str, str], dict[Series, float]]:
    """The HTTP families (name -> type), and every sample of theirs by name and labels."""
    response = api.get(METRICS)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain"), response.headers
    families: dict[str, str] = {}
    samples: dict[Series, float] = {}
    for line in response.text.splitlines():
        if declared := TYPE_LINE.fullmatch(line):
            if declared["name"] in FAMILIES:
                families[declared["name"]] = declared["type"]
        elif (sample := SAMPLE_LINE.fullmatch(line)) and sample["name"].startswith("http_"):
            labels = tuple(sorted(LABEL.findall(sample["labels"] or "")))
            samples[sample["name"], labels] = float(sample["value"])
    return families, samples


def counted(samples: dict[Series, float], name: str) -> dict[tuple[str, str, str], float]:
    """One series' values by (method, route, status)."""
    return {
        (labels["method"], labels["route"], labels["status"]): value
        for (sample, pairs), value in samples.items()
        if sample == name
        for labels in [dict(pairs)]
    }


def test_requests_are_counted_by_route_template(api: httpx.Client) -> None:
    _, before = scrape(api)
    item = f"/api/v1/items/{uuid.uuid4()}"
    sent = {
        ("GET", "/health/live"): api.get("/health/live"),
        ("GET", "/api/v1/items/{item_id}"): api.get(item),
        ("PUT", "/api/v1/items"): api.put("/api/v1/items", json={}),
        ("GET", UNMATCHED): api.get(f"/no-such-page-{uuid.uuid4().hex}"),
    }
    families, after = scrape(api)

    assert families == FAMILIES
    assert {name for name, _ in after} == SERIES
    for name, pairs in after:
        expected = LABELS | {"le"} if name.endswith("_bucket") else LABELS
        assert {label for label, _ in pairs} == expected, (name, pairs)
    answered = {(method, route, str(sent[method, route].status_code)) for method, route in sent}
    answered.add(("GET", METRICS, "200"))  # the first scrape
    for name in ("http_requests_total", "http_request_duration_seconds_count"):
        was, now = counted(before, name), counted(after, name)
        grown = {key for key, value in now.items() if value > was.get(key, 0)}
        assert grown == answered, name
    assert not any(item in route for _, route, _ in counted(after, "http_requests_total"))


def test_metrics_are_public_and_undocumented(api: httpx.Client) -> None:
    """No auth nor rate limit (it is for inside the cluster), and not in the API's document."""
    assert METRICS not in api.get("/openapi.json").json()["paths"]
    for _ in range(3):
        assert api.get(METRICS).status_code == 200


@pytest.fixture
def workers(services: Services, combination: dict[str, str]) -> Iterator[LiveService]:
    """The combination's server with two worker processes."""
    contract = services.get(combination)
    service = LiveService(contract.project, combination, {**contract.env, "WORKERS": str(WORKERS)})
    with service.running():
        yield service


def test_several_workers_report_together(workers: LiveService) -> None:
    with client_for(workers) as api:
        for _ in range(SPREAD_REQUESTS):
            # A new connection each time: any worker may accept it.
            live = api.get("/health/live", headers={"Connection": "close"})
            assert live.status_code == 200
        _, samples = scrape(api)
    served = counted(samples, "http_requests_total")
    assert served["GET", "/health/live", "200"] == SPREAD_REQUESTS
