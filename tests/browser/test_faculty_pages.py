"""The faculty pages (item analysis, cohort dashboards) pass axe-core at desktop and phone widths."""

import pytest
from playwright.sync_api import expect

from faculty.item_analysis import statistics_refresh
from tests.browser.conftest import assert_no_axe_violations
from tests.browser.test_accessibility_admin import VIEWPORTS, staff_page  # noqa: F401 - a fixture
from tests.conftest import ADMIN, make_question, make_user
from tests.faculty.conftest import answer_block

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check_at_both_sizes(page, label: str, step: str) -> None:
    """axe at desktop and phone widths in the light and dark themes, as test_accessibility_admin does, but
    after the admin's 0.15 s colour transition on links has ended: axe measured these link-heavy tables
    mid-transition (the light theme's link colour on the dark background)."""
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        for size, viewport in VIEWPORTS.items():
            page.set_viewport_size(viewport)
            page.wait_for_timeout(400)
            assert_no_axe_violations(
                page, f"{label} at {size} {viewport['width']}x{viewport['height']}, {scheme}"
            )
            page.shot(f"{step}-{size}" + ("-dark" if scheme == "dark" else ""))


@pytest.fixture
def figures(cohort):
    questions = [make_question(subject="Pathology", system="Renal") for _ in range(3)]
    questions.append(make_question(subject="Pharmacology", system="Cardiovascular", letters="ABCD"))
    for number, letters in enumerate(["BBBB", "BBAC", "BA-B", "ACDB", "BBBA"]):
        answer_block(
            make_user(f"b{number}", cohort=cohort, show_on_leaderboard=number % 2 == 0), questions, letters
        )
    statistics_refresh()
    return questions


def test_item_analysis_has_no_axe_violations(staff_page, figures):  # noqa: F811
    page = staff_page
    page.goto(f"{ADMIN}faculty/questionstatistic/?o=-facility")
    expect(page.locator("h1")).to_have_text("Item analysis")
    expect(page.locator("caption#fa-table-caption")).to_contain_text("questions 1 to 4 of 4")
    expect(page.locator("th[aria-sort=descending]")).to_contain_text("(descending)")
    check_at_both_sizes(page, "item analysis", "item-analysis")
    page.get_by_label("Subject").select_option("pathology")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("caption#fa-table-caption")).to_contain_text("of 3")
    page.get_by_role("button", name="Refresh now").click()
    expect(page.locator(".messagelist")).to_contain_text("A refresh is queued")
    check_at_both_sizes(page, "item analysis after a refresh was queued", "item-analysis-queued")
    assert page.problems == []


def test_cohort_dashboards_have_no_axe_violations(staff_page, figures, cohort):  # noqa: F811
    page = staff_page
    page.goto(ADMIN)
    page.get_by_role("link", name="Cohort dashboards").first.click()
    check_at_both_sizes(page, "cohort dashboards list", "cohort-list")
    page.get_by_role("link", name=cohort.name).click()
    expect(page.locator("h1")).to_have_text(f"Cohort dashboard: {cohort.name}")
    expect(page.locator("#fa-subject-caption")).to_be_visible()
    check_at_both_sizes(page, "cohort dashboard", "cohort-dashboard")
    assert page.problems == []
