"""What a team does to its service between updates, per framework: the update tests' edits."""

from __future__ import annotations

from pathlib import Path

from tests.history import replace

SETTING = ("log_level: INFO", "log_level: WARNING")  # a line the template leaves alone
CONFLICT = ("workers: 1", "workers: 4")  # a line the template changes too (to workers: 2)
API_TITLE = ("# svc: HTTP API (v1)", "# svc: HTTP API (v1), with our own routes")
API_NOTES = "\n## Team notes\n\n`GET /api/v1/about` names the service.\n"
DELETED = "docs/ARCHITECTURE.md"

FASTAPI_ROUTE = '''"""The team's own route: which service answers."""

from fastapi import APIRouter
from pydantic import BaseModel

from src.api.openapi import errors

router = APIRouter(prefix="/about", tags=["about"])


class About(BaseModel):
    service: str


@router.get("", response_model=About, responses=errors())
async def about() -> About:
    """Which service answers."""
    return About(service="svc")
'''
FLASK_ROUTE = '''"""The team's own route: which service answers."""

from flask import Blueprint, Response
from pydantic import BaseModel

from src.api.dependencies import respond
from src.api.openapi import errors, operation

about = Blueprint("about", __name__)


class About(BaseModel):
    service: str


@about.get("/about")
@operation("about", "about", {200: About, **errors()})
def show() -> Response:
    """Which service answers."""
    return respond(About(service="svc"))
'''
DJANGO_ROUTE = '''"""The team's own route: which service answers."""

from drf_spectacular.utils import extend_schema
from pydantic import BaseModel
from rest_framework.request import Request
from rest_framework.response import Response

from src.api.dependencies import PublicView, respond
from src.api.openapi import errors


class About(BaseModel):
    service: str


class AboutView(PublicView):
    http_method_names = ("get",)

    @extend_schema(tags=["about"], operation_id="about", responses={200: About, **errors()})
    def get(self, request: Request) -> Response:
        """Which service answers."""
        return respond(About(service="svc"))
'''
TEST = '''"""The team's own route."""

from {module} import {client}


{prefix}def test_about(client: {client}) -> None:
    response = {wait}client.get("/api/v1/about")
    assert response.status_code == 200
    assert response.json() == {{"service": "svc"}}
'''
TESTS = {
    "fastapi": TEST.format(module="httpx", client="AsyncClient", prefix="async ", wait="await "),
    "flask": TEST.format(module="httpx", client="Client", prefix="", wait=""),
    "django": TEST.format(module="rest_framework.test", client="APIClient", prefix="", wait=""),
}


def add_route(project: Path, framework: str) -> dict[str, str]:
    """Add GET /api/v1/about and its test; returns the new files and their text."""
    api = project / "src/api"
    if framework == "fastapi":
        route = FASTAPI_ROUTE
        replace(
            api / "router.py", "from src.api.routes import ", "from src.api.routes import about, "
        )
        with (api / "router.py").open("a") as router:
            router.write("api_router.include_router(about.router)\n")
    elif framework == "flask":
        route = FLASK_ROUTE
        replace(
            api / "router.py",
            "from src.api import API_PREFIX\n",
            "from src.api import API_PREFIX\nfrom src.api.routes.about import about\n",
        )
        with (api / "router.py").open("a") as router:
            router.write("api.register_blueprint(about)\n")
    else:
        route = DJANGO_ROUTE
        replace(
            api / "urls.py", "from src.api.routes import ", "from src.api.routes import about, "
        )
        replace(
            api / "urls.py", "api = [\n", 'api = [\n    path("about", about.AboutView.as_view()),\n'
        )
    added = {"src/api/routes/about.py": route, "tests/integration/test_about.py": TESTS[framework]}
    for name, text in added.items():
        (project / name).write_text(text)
    return added


def edit(project: Path, framework: str) -> dict[str, str]:
    """Every edit of the update test; returns the files the team added."""
    added = add_route(project, framework)
    settings = project / "config/settings.yaml"
    replace(settings, *SETTING)
    replace(settings, *CONFLICT)
    replace(project / "docs/API.md", *API_TITLE)
    with (project / "docs/API.md").open("a") as notes:
        notes.write(API_NOTES)
    (project / DELETED).unlink()
    return added
