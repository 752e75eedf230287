"""The API's documentation in a real Chromium: Swagger UI and Redoc render under the site's CSP.

Both come from this site's static files (drf-spectacular-sidecar), not a CDN; the page fixture fails on
any CSP violation, script error or failed request, so an inline script or style that the policy
refuses fails the test.
"""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_lists_every_operation_under_the_csp(page):
    response = page.goto("/api/v1/docs/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("USMLE Quiz API")
    answer = "/api/v1/blocks/{block_id}/items/{position}/answer/"
    expect(page.locator(".opblock-summary-path", has_text=answer)).to_have_count(1)
    assert page.locator(".opblock").count() == 27
    page.shot("swagger")
    assert page.problems == []


def test_redoc_renders_styled_with_the_pages_nonce_and_no_inline_script(page):
    response = page.goto("/api/v1/redoc/")
    policy = response.headers["content-security-policy"]
    assert "style-src 'self' 'nonce-" in policy and "unsafe-inline" not in policy
    assert "script-src 'self' 'nonce-" in policy
    expect(page.locator("h1")).to_contain_text("USMLE Quiz API")
    expect(page.locator("h2", has_text="Answer an item")).to_have_count(1)
    # styled-components inserted its <style> elements with the nonce: the page is styled, not refused.
    styles = page.evaluate(
        "() => [...document.querySelectorAll('style[data-styled]')].map((tag) => tag.nonce)"
    )
    assert styles and all(styles)
    assert page.evaluate("() => getComputedStyle(document.querySelector('.menu-content')).width") == "260px"
    page.shot("redoc")
    # The one refusal expected: Redoc's sidebar always asks cdn.redoc.ly for its sponsor's logo, the policy
    # keeps the page off third parties, and Redoc hides the image when it fails (api/views/docs.py).
    assert [problem for problem in page.problems if "https://cdn.redoc.ly/" not in problem] == []
