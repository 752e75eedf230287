"""The API's schema is public OpenAPI 3 (its docs pages in Chromium: tests/browser/test_api_docs_pages.py)."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_schema_is_public_openapi_3(client):
    reply = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert reply.status_code == 200
    schema = reply.json()
    assert schema["openapi"].startswith("3.")
    assert schema["components"]["securitySchemes"]["tokenAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "A device's token from POST /api/v1/auth/token/: `Authorization: Bearer <token>`.",
    }
    assert len([op for path in schema["paths"].values() for op in path]) == 27
