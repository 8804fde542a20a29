"""Kubernetes manifests (deploy/): valid for a pinned Kubernetes, and wired to the service.

Every combination is checked in-process. The schema validation, the costly part,
runs once per distinct manifest text: most manifests depend on few answers.
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate  # type: ignore[import-untyped]
import pytest
import yaml

from extensions import catalog
from tests.conftest import Renders
from tests.test_render import variables_read

KUBERNETES_VERSION = "1.33.0"
# The Dockerfile's user: `useradd ... --uid 10001 app`.
DOCKERFILE_UID = re.compile(r"useradd\b[^\n]*--uid (\d+)")
# Long enough for a warm shutdown: the jobs in hand finish before the worker stops.
MIN_WORKER_GRACE_SECONDS = 60
PLACEHOLDER = "REPLACE-ME"
# Not a Kubernetes resource: the Secret is made from it, never applied as is.
EXAMPLE_FILES = {"secret.example.yaml", "kustomization.yaml"}
DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
# Each ORM's "apply migrations by hand" command (README.md), run by the migration Job.
MIGRATE_COMMANDS = {
    "sqlalchemy": ["alembic", "upgrade", "head"],
    "sqlmodel": ["alembic", "upgrade", "head"],
    "tortoise": ["tortoise", "migrate"],
    "django": ["python", "manage.py", "migrate", "--no-input"],
}
# Where each command finds its configuration, in the image's working directory /app.
MIGRATE_CONFIG = {
    "sqlalchemy": ("alembic.ini", "script_location"),
    "sqlmodel": ("alembic.ini", "script_location"),
    "tortoise": ("pyproject.toml", "[tool.tortoise]"),
    "django": ("manage.py", "DJANGO_SETTINGS_MODULE"),
}
# libyaml's parser where installed: the pure-Python one is most of these tests' time.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Schema errors by manifest text, shared by every combination a pytest worker checks.
VALIDATED: dict[str, str] = {}


@pytest.fixture
def project(combination: dict[str, str], renders: Renders) -> Path:
    return renders.pristine(combination)[0]


@functools.cache
def resources(project: Path) -> dict[str, dict[str, Any]]:
    """deploy/'s manifests by kind and name (`Deployment/x`), parsed once per render."""
    found: dict[str, dict[str, Any]] = {}
    for path in sorted((project / "deploy").glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        for document in yaml.load_all(path.read_text(), Loader=LOADER):
            found[f"{document['kind']}/{document['metadata']['name']}"] = document
    return found


def validation_error(text: str) -> str:
    """The strict schema errors of a manifest file's text ("" when valid), computed once."""
    if text not in VALIDATED:
        errors = []
        for document in yaml.load_all(text, Loader=LOADER):
            try:
                kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)
            except kubernetes_validate.ValidationError as error:
                errors.append(f"{document['kind']}: {error.message} at {list(error.path)}")
        VALIDATED[text] = "; ".join(errors)
    return VALIDATED[text]


@functools.cache
def names(project: Path) -> tuple[str, str]:
    """The Kubernetes name (DNS label) and the image name of a project."""
    slug = yaml.safe_load((project / ".copier-answers.yml").read_text())["project_slug"]
    return slug.replace("_", "-"), slug


def pod_spec(manifest: dict[str, Any]) -> dict[str, Any]:
    spec: dict[str, Any] = manifest["spec"]["template"]["spec"]
    return spec


def served_health_paths(project: Path) -> set[str]:
    """The health paths the rendered routes declare (Django's urls, or a router's prefix)."""
    routes = project / "src/api/routes/health.py"
    urls = project / "src/api/urls.py"
    if urls.is_file():
        return {"/" + found for found in re.findall(r'path\("(health/\w+)"', urls.read_text())}
    text = routes.read_text()
    prefix = re.search(r'prefix="(/[\w/]+)"', text)
    assert prefix, "no router prefix in health.py"
    return {prefix.group(1) + found for found in re.findall(r'\.get\(\s*"(/\w+)"', text)}


def test_manifests_are_valid_kubernetes(project: Path) -> None:
    deploy = project / "deploy"
    for path in sorted(deploy.glob("*.yaml")):
        if path.name != "kustomization.yaml":
            assert validation_error(path.read_text()) == "", path.name
    listed = yaml.safe_load((deploy / "kustomization.yaml").read_text())["resources"]
    present = {path.name for path in deploy.glob("*.yaml")} - EXAMPLE_FILES
    assert sorted(listed) == sorted(present), "kustomization.yaml must list every manifest"


def test_names_are_dns_labels(project: Path) -> None:
    for key, manifest in resources(project).items():
        assert DNS_LABEL.fullmatch(manifest["metadata"]["name"]), key


def test_probes_hit_the_health_routes(project: Path) -> None:
    name, _ = names(project)
    found = resources(project)
    container = pod_spec(found[f"Deployment/{name}"])["containers"][0]
    ports = {port["name"]: port["containerPort"] for port in container["ports"]}
    config = found[f"ConfigMap/{name}-config"]["data"]
    assert ports == {"http": int(config["PORT"])} == {"http": 8000}
    assert config["HOST"] == "0.0.0.0"
    served = served_health_paths(project)
    for probe, path in (("livenessProbe", "/health/live"), ("readinessProbe", "/health/ready")):
        http = container[probe]["httpGet"]
        assert http["path"] == path, probe
        assert path in served, (probe, served)
        assert ports.get(http["port"], http["port"]) == ports["http"], probe
    assert found[f"Service/{name}"]["spec"]["ports"][0]["targetPort"] in (8000, "http")


def test_worker_runs_exactly_where_there_is_a_queue(
    project: Path, combination: dict[str, str]
) -> None:
    name, _ = names(project)
    found = resources(project)
    worker = found.get(f"Deployment/{name}-worker")
    assert (worker is not None) == (combination["queue"] != "none")
    if worker is None:
        return
    spec = pod_spec(worker)
    api = pod_spec(found[f"Deployment/{name}"])
    assert spec["containers"][0]["command"] == ["python", "-m", "src.worker"]
    assert spec["containers"][0]["envFrom"] == api["containers"][0]["envFrom"]
    assert spec["terminationGracePeriodSeconds"] >= MIN_WORKER_GRACE_SECONDS
    assert spec["volumes"] == api["volumes"], "the worker must reach the same SQLite file"


def test_every_variable_the_code_reads_is_provided(project: Path) -> None:
    name, _ = names(project)
    found = resources(project)
    config = set(found[f"ConfigMap/{name}-config"]["data"])
    secret = found[f"Secret/{name}-secrets"]["stringData"]
    lines = (project / ".env.example").read_text().splitlines()
    listed = {line.split("=", 1)[0] for line in lines if line and not line.startswith("#")}
    assert config & set(secret) == set(), "in both the ConfigMap and the Secret"
    assert config | set(secret) == variables_read(project) == listed
    settings = (project / "src/core/config.py").read_text()
    secret_fields = {f.upper() for f in re.findall(r"^    (\w+): SecretStr", settings, re.M)}
    assert secret_fields <= set(secret), "a SecretStr setting in the ConfigMap"
    for key, value in secret.items():
        assert PLACEHOLDER in value, f"{key} in secret.example.yaml is not a placeholder"
    for key in ("DATABASE_URL", "BROKER_URL", "REDIS_URL"):
        value = found[f"ConfigMap/{name}-config"]["data"].get(key, "")
        assert "@" not in value, f"{key} with credentials in the ConfigMap"


def test_labels_and_selectors_match(project: Path) -> None:
    name, _ = names(project)
    found = resources(project)
    pods: dict[str, dict[str, str]] = {}
    for key, manifest in found.items():
        if manifest["kind"] in ("Deployment", "Job"):
            labels = manifest["spec"]["template"]["metadata"]["labels"]
            selector = manifest["spec"].get("selector", {}).get("matchLabels", labels)
            assert selector.items() <= labels.items(), key
            pods[key] = labels
            spec = pod_spec(manifest)
            for source in spec["containers"][0]["envFrom"]:
                reference = source.get("configMapRef") or source["secretRef"]
                kind = "ConfigMap" if "configMapRef" in source else "Secret"
                assert f"{kind}/{reference['name']}" in found, (key, reference)
            for volume in spec["volumes"]:
                if "persistentVolumeClaim" in volume:
                    claim = volume["persistentVolumeClaim"]["claimName"]
                    assert f"PersistentVolumeClaim/{claim}" in found, key
    selector = found[f"Service/{name}"]["spec"]["selector"]
    chosen = [key for key, labels in pods.items() if selector.items() <= labels.items()]
    assert chosen == [f"Deployment/{name}"], "the Service must select the API pods only"
    autoscaler = found.get(f"HorizontalPodAutoscaler/{name}")
    if autoscaler:
        target = autoscaler["spec"]["scaleTargetRef"]
        assert f"{target['kind']}/{target['name']}" == f"Deployment/{name}"
        assert autoscaler["spec"]["metrics"][0]["resource"]["name"] == "cpu"


def test_image_is_the_project(project: Path) -> None:
    _, slug = names(project)
    kustomization = yaml.safe_load((project / "deploy/kustomization.yaml").read_text())
    assert [image["name"] for image in kustomization["images"]] == [slug]
    for key, manifest in resources(project).items():
        if manifest["kind"] in ("Deployment", "Job"):
            assert {c["image"] for c in pod_spec(manifest)["containers"]} == {slug}, key


def test_pods_run_locked_down(project: Path) -> None:
    uid = DOCKERFILE_UID.search((project / "Dockerfile").read_text())
    assert uid, "no `useradd --uid` in the Dockerfile"
    for key, manifest in resources(project).items():
        if manifest["kind"] not in ("Deployment", "Job"):
            continue
        spec = pod_spec(manifest)
        assert spec["securityContext"]["runAsNonRoot"] is True, key
        assert spec["securityContext"]["runAsUser"] == int(uid.group(1)), key
        assert spec["automountServiceAccountToken"] is False, key
        writable = {volume["name"] for volume in spec["volumes"]}
        for container in spec["containers"]:
            assert container["securityContext"]["readOnlyRootFilesystem"] is True, key
            assert container["securityContext"]["allowPrivilegeEscalation"] is False, key
            limits = container["resources"]
            assert {"cpu", "memory"} <= set(limits["requests"]) & set(limits["limits"]), key
            mounts = {mount["mountPath"]: mount["name"] for mount in container["volumeMounts"]}
            assert mounts.get("/tmp") in writable, f"{key}: /tmp must be an emptyDir"


def test_migrations_run_once_per_rollout(project: Path, combination: dict[str, str]) -> None:
    """A Job on a database server; with SQLite, one pod that migrates as it starts."""
    name, _ = names(project)
    found = resources(project)
    config = found[f"ConfigMap/{name}-config"]["data"]
    api = found[f"Deployment/{name}"]
    job = found.get(f"Job/{name}-migrate")
    guide = (project / "docs/DEPLOY.md").read_text()
    assert "kubectl apply -k deploy/" in guide
    assert (f"job/{name}-migrate" in guide) == (job is not None)
    if combination["database"] != "sqlite":
        assert job is not None
        assert config["MIGRATE_ON_START"] == "false"
        assert pod_spec(job)["containers"][0]["command"] == MIGRATE_COMMANDS[combination["orm"]]
        assert (project / MIGRATE_CONFIG[combination["orm"]][0]).is_file()
        tool_config = (project / MIGRATE_CONFIG[combination["orm"]][0]).read_text()
        assert MIGRATE_CONFIG[combination["orm"]][1] in tool_config, "the command finds no config"
        assert api["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
        assert found[f"HorizontalPodAutoscaler/{name}"]["spec"]["minReplicas"] >= 2
        return
    assert job is None
    assert config["MIGRATE_ON_START"] == "true"
    assert f"HorizontalPodAutoscaler/{name}" not in found, "SQLite cannot be shared by pods"
    assert api["spec"]["replicas"] == 1
    assert api["spec"]["strategy"]["type"] == "Recreate"
    mounts = {m["name"]: m["mountPath"] for m in pod_spec(api)["containers"][0]["volumeMounts"]}
    database_file = Path(config["DATABASE_URL"].split("///")[-1].removeprefix("/"))
    assert f"/{database_file.parent}" == mounts["data"], "the database file is not on the volume"
    worker = found.get(f"Deployment/{name}-worker")
    if worker:
        assert worker["spec"]["replicas"] == 1
        assert "podAffinity" in pod_spec(worker)["affinity"], "a ReadWriteOnce volume: same node"


def test_underscored_slug_gives_valid_names(renders: Renders) -> None:
    """project_slug allows `_`, Kubernetes names do not: the manifests use `-` instead."""
    answers = {
        **catalog.DEFAULTS,
        **{"database": "postgresql", "queue": "arq", "auth": "session"},
    }
    project = renders.pristine({**answers, "project_slug": "my_svc"})[0]
    assert names(project) == ("my-svc", "my_svc")
    test_names_are_dns_labels(project)
    test_image_is_the_project(project)
    test_labels_and_selectors_match(project)


def test_telemetry_settings_are_provided(renders: Renders) -> None:
    """Sentry and OpenTelemetry add variables of their own to .env.example: deploy/ has them."""
    extras = {"sentry": True, "opentelemetry": True}
    project = renders.pristine({**catalog.DEFAULTS, **extras})[0]  # type: ignore[dict-item]
    name, _ = names(project)
    found = resources(project)
    provided = set(found[f"ConfigMap/{name}-config"]["data"])
    provided |= set(found[f"Secret/{name}-secrets"]["stringData"])
    lines = (project / ".env.example").read_text().splitlines()
    assert provided == {line.split("=", 1)[0] for line in lines if line and line[0] != "#"}
    assert "SENTRY_DSN" in found[f"Secret/{name}-secrets"]["stringData"]


@pytest.mark.covering("database", "queue")
def test_kustomize_builds(project: Path) -> None:
    """kubectl's kustomize accepts deploy/ and emits every manifest (a subprocess: covering set)."""
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not installed")
    built = subprocess.run(
        [kubectl, "kustomize", str(project / "deploy")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    kinds = sorted(document["kind"] for document in yaml.safe_load_all(built.stdout))
    expected = sorted(
        key.split("/")[0] for key in resources(project) if not key.startswith("Secret")
    )
    assert kinds == expected
