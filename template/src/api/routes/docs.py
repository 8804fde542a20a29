"""The API reference page (Swagger UI), with every asset served by the service itself."""

from importlib.util import find_spec
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

DOCS_DIR = Path(__file__).resolve().parents[2] / "static" / "docs"

router = APIRouter(prefix="/docs", include_in_schema=False)


def swagger_ui_assets() -> Path:
    """The Swagger UI bundle shipped by the swagger-ui-py package, without importing it."""
    spec = find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("swagger-ui-py is not installed; it serves the /docs assets")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


@router.get("")
async def docs_page() -> FileResponse:
    return FileResponse(DOCS_DIR / "index.html", media_type="text/html")


@router.get("/init.js")
async def docs_script() -> FileResponse:
    return FileResponse(DOCS_DIR / "init.js", media_type="text/javascript")


def install_docs(app: FastAPI) -> None:
    app.include_router(router)
    app.mount("/docs/assets", StaticFiles(directory=swagger_ui_assets()), name="docs-assets")
