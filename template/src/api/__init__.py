"""HTTP layer: routes, dependencies and middleware."""

API_PREFIX = "/api/v1"
