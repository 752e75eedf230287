"""The import, question-image and problem-report screens in the admin pass axe-core at desktop and phone
widths, light and dark; and a student's zoom on a question image works with the keyboard."""

from __future__ import annotations

from io import BytesIO

import pytest
from PIL import Image
from playwright.sync_api import expect

from quizzes.services.images import image_store
from tests.browser.test_accessibility_admin import staff_page  # noqa: F401 - the fixture
from tests.browser.test_faculty_pages import check_at_both_sizes
from tests.conftest import ADMIN, make_block, make_question, make_taxonomy
from tests.quizzes.test_import_admin import moodle_file
from tests.reports.helpers import answered_tutor_block, send

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def png(color=(200, 40, 40), size=(300, 200)) -> bytes:
    out = BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def test_the_import_form_its_errors_and_its_preview_have_no_axe_violations(staff_page, tmp_path):  # noqa: F811
    from quizzes.models import Subject, System

    make_taxonomy(Subject, "Pharmacology"), make_taxonomy(System, "Cardiovascular")
    page = staff_page
    page.goto(f"{ADMIN}quizzes/question/")
    page.get_by_role("link", name="Import questions").click()
    check_at_both_sizes(page, "import form", "admin-import-form")

    broken = tmp_path / "broken.xml"
    broken.write_bytes(moodle_file(second_answer_right=True))
    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_label("Question file").set_input_files(str(broken))
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing was written")
    check_at_both_sizes(page, "import form with problems", "admin-import-problems")

    good = tmp_path / "week1.xml"
    good.write_bytes(moodle_file())
    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_label("Question file").set_input_files(str(good))
    page.get_by_role("button", name="Preview the import").click()
    expect(page.locator("#content")).to_contain_text("1 to create")
    check_at_both_sizes(page, "import preview", "admin-import-preview")

    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_role("button", name="Import 1 question").click()
    expect(page.locator("#import-bar")).to_be_visible()
    check_at_both_sizes(page, "import progress", "admin-import-progress")
    # The refused file is answered 400 on purpose (the browser logs that too); nothing else went wrong.
    assert page.problems and all("400" in problem for problem in page.problems)


def test_the_image_screens_have_no_axe_violations(staff_page, tmp_path):  # noqa: F811
    page = staff_page
    path = tmp_path / "smear.png"
    path.write_bytes(png())
    page.goto(f"{ADMIN}quizzes/questionimage/add/")
    check_at_both_sizes(page, "image upload form", "admin-image-add")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_label("Image file").set_input_files(str(path))
    page.get_by_label("Alt text").fill("Peripheral smear with schistocytes")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#content")).to_contain_text("image:")
    check_at_both_sizes(page, "image page", "admin-image-change")
    page.goto(f"{ADMIN}quizzes/questionimage/")
    check_at_both_sizes(page, "image list", "admin-image-list")
    assert page.problems == []


def test_the_report_triage_and_the_question_form_with_its_panels_have_no_axe_violations(staff_page, student):  # noqa: F811
    page = staff_page
    question = make_question(lead_in="Each of the following is true EXCEPT which?")
    send(student, answered_tutor_block(student, [question]), kind="typo", comment="Misspelt tachycardia")
    page.goto(f"{ADMIN}reports/problemreport/")
    check_at_both_sizes(page, "report list", "admin-report-list")
    page.get_by_role("link", name=question.external_id).first.click()
    check_at_both_sizes(page, "report or question page", "admin-report-open")
    page.goto(f"{ADMIN}quizzes/question/{question.pk}/change/")
    expect(page.locator(".lint-panel")).to_contain_text("negative-lead-in")
    expect(page.locator(".question-performance")).to_contain_text("Misspelt tachycardia")
    check_at_both_sizes(page, "question form with its panels", "admin-question-panels")
    assert page.problems == []


def test_a_student_zooms_a_question_image_and_closes_it_with_the_keyboard(page, live_server, student):
    image, _ = image_store(data=png(size=(1600, 900)), alt_text="Chest radiograph")
    question = make_question(
        stem=f"Her radiograph is shown.\n\n![Chest radiograph, right lower lobe](image:{image.key})"
    )
    block = make_block(student, [question])
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(student)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.goto(f"/quizzes/{block.pk}/q/1/")
    thumb = page.locator(".stem a.zoomable img")
    expect(thumb).to_have_attribute("alt", "Chest radiograph, right lower lobe")
    page.wait_for_function("document.querySelector('.stem a.zoomable img').naturalWidth > 0")
    page.locator(".stem a.zoomable").focus()
    page.keyboard.press("Enter")
    dialog = page.locator("dialog.image-zoom")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Close image")).to_be_focused()
    page.shot("image-zoom")
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(page.locator(".stem a.zoomable")).to_be_focused()
    assert page.problems == []
