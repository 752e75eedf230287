"""Real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright against live_server."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
# axe-core from npm (package.json pins it; `make browser-deps` runs `npm ci`).
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0-2.2 A and AA as axe tags them (axe 4.14 has no wcag22a rules; wcag22aa is target-size).
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
# Flags from this machine's notes: no sandbox as root, and no background
# networking (the closed network refuses it, noisily).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium():
    # Playwright's sync API runs an event loop in this thread; the ORM calls the
    # tests make between browser steps are still plain synchronous code.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_settings(settings):
    # live_server serves static files through Django's finders, which know
    # the plain names, not the hashed ones the manifest storage would print.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    return settings


class Shots:
    def __init__(self, page, name: str):
        self.page, self.name, self.count = page, name, 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def __call__(self, step: str) -> None:
        self.count += 1
        self.page.screenshot(path=SCREENSHOTS / f"{self.name}-{self.count:02d}-{step}.png", full_page=True)


@pytest.fixture
def page(chromium, live_server, browser_settings, request):
    context = chromium.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    # Any Content-Security-Policy violation or script error fails the test.
    page.problems = []
    page.on("console", lambda msg: msg.type == "error" and page.problems.append(msg.text))
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.on(
        "response",
        lambda response: response.status >= 400 and page.problems.append(f"{response.status} {response.url}"),
    )
    page.on("dialog", lambda dialog: dialog.accept())
    page.shot = Shots(page, request.node.name)
    yield page
    context.close()


def axe_violations(page, *, context=None, disable_rules: tuple[str, ...] = ()) -> list[dict]:
    """Run axe-core on the page as it is now; its violations of AXE_TAGS (axe's result objects).

    context: None for the whole document, a CSS selector, or an axe context object
    ({"include": [...], "exclude": [...]}). disable_rules: only for a demonstrated axe
    false positive, with a comment at the call site saying why.

    axe is evaluated through the DevTools protocol, not added as a <script>: the site's
    Content-Security-Policy (script-src 'self' plus a nonce) blocks the inline script that
    page.add_script_tag(path=...) inserts, and logs a console error that page.problems would
    record. Evaluation from DevTools is not subject to the page's CSP, so the policy stays on
    for the page itself (no bypass_csp) and nothing is logged.
    """
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `make browser-deps` (npm ci) first", pytrace=False)
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    return page.evaluate(
        """async ([context, tags, disabled]) => {
            const options = {
                runOnly: {type: 'tag', values: tags},
                resultTypes: ['violations'],
                rules: Object.fromEntries(disabled.map((id) => [id, {enabled: false}])),
            };
            const results = await window.axe.run(context ?? document, options);
            return results.violations;
        }""",
        [context, list(AXE_TAGS), list(disable_rules)],
    )


def format_axe_violations(violations: list[dict], *, nodes_per_rule: int = 25) -> str:
    lines = []
    for violation in violations:
        nodes = violation["nodes"]
        lines.append(
            f"- {violation['id']} ({violation.get('impact') or 'no impact'}, {len(nodes)} node(s)): "
            f"{violation['help']}  <{violation['helpUrl']}>"
        )
        for node in nodes[:nodes_per_rule]:
            # A target is a list of selectors, one per frame or shadow root on the way in.
            target = " >>> ".join(
                " ".join(part) if isinstance(part, list) else part for part in node["target"]
            )
            html = " ".join(node["html"].split())
            lines.append(f"    {target}")
            lines.append(f"      html: {html[:200]}{'…' if len(html) > 200 else ''}")
            summary = " ".join((node.get("failureSummary") or "").split())
            if summary:
                lines.append(f"      why:  {summary[:300]}")
        if len(nodes) > nodes_per_rule:
            lines.append(f"    … and {len(nodes) - nodes_per_rule} more")
    return "\n".join(lines)


def assert_no_axe_violations(page, label: str, **kwargs) -> None:
    """Fail the test, listing each rule and node, if axe finds any violation (kwargs: axe_violations's)."""
    violations = axe_violations(page, **kwargs)
    if violations:
        pytest.fail(
            f"{label} ({page.url}): {len(violations)} axe-core rule(s) violated:\n"
            + format_axe_violations(violations),
            pytrace=False,
        )
