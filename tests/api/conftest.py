"""Clients of the JSON API: a device's token, or a browser session (with CSRF enforced, as in a browser)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.api_tokens import api_token_issue
from accounts.models import User
from quizzes.models import Block

API = "/api/v1"


def token_client(user: User, device: str = "test phone") -> APIClient:
    _, raw = api_token_issue(user=user, device_name=device)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def session_client(user: User) -> APIClient:
    """A browser's session; writes need the CSRF token, as a page's script sends it."""
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def block_url(block: Block, suffix: str = "") -> str:
    return f"{API}/blocks/{block.pk}/{suffix}"


def item_url(block: Block, position: int, suffix: str = "") -> str:
    return f"{API}/blocks/{block.pk}/items/{position}/{suffix}"


@pytest.fixture
def api(student) -> APIClient:
    return token_client(student)


@pytest.fixture
def other_api(other_student) -> APIClient:
    return token_client(other_student, device="bob's phone")
