"""Where the /docs page and its Swagger UI bundle live on disk; served by the service itself."""

from importlib.util import find_spec
from pathlib import Path

DOCS_DIR = Path(__file__).resolve().parents[1] / "static" / "docs"


def swagger_ui_assets() -> Path:
    """The Swagger UI bundle shipped by the swagger-ui-py package, without importing it."""
    spec = find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("swagger-ui-py is not installed; it serves the /docs assets")
    return Path(next(iter(spec.submodule_search_locations))) / "static"
