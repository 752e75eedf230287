"""The exam screen in Chromium: every student page state under axe-core at desktop and phone
sizes, revealed tags that never overlap, 44 px targets, no sideways scrolling, themes without a
flash, and a keyboard-only timed block with highlights, strike-outs, a note, labs, the calculator,
suspend and resume, ending in a review that opens as a table."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from notes.models import Note
from quizzes.models import Block, Item, UserQuestion
from quizzes.services import block_finish
from tests.browser.conftest import assert_no_axe_violations
from tests.browser.test_student_journey import log_in
from tests.conftest import PASSWORD, correct_letter, make_block, make_question, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
LONG = (
    "Increased activity of the renin-angiotensin-aldosterone system with efferent arteriolar "
    "constriction, preserved glomerular filtration and a compensatory rise in proximal sodium reabsorption"
)


def long_question(**fields):
    return make_question(
        stem="A 67-year-old man has had swelling of both ankles for 3 weeks. His blood pressure is "
        "150/95 mm Hg. Serum creatinine is 1.9 mg/dL and urinalysis shows 3+ protein.",
        **fields,
    )


def with_long_choices(question):
    question.choices.update(text=LONG)
    return question


def give_peer_answers(question, count=12):
    """Answered first attempts of other students, so peer shares are shown."""
    letters = "ABCDE"
    for number in range(count):
        other = make_user(f"peer-{question.pk}-{number}")
        UserQuestion.objects.create(
            user=other,
            question=question,
            first_letter=letters[number % 5],
            first_correct=letters[number % 5] == correct_letter(question),
            first_answered_at=timezone.now(),
            seen=True,
            times_answered=1,
        )


def no_sideways_scroll(page, label):
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    widest = page.evaluate(
        """() => Array.from(document.querySelectorAll('body *'))
               .filter((el) => el.getBoundingClientRect().right
               > window.innerWidth + 0.5).slice(-3).map((el) => el.outerHTML.slice(0, 100))"""
    )
    assert width[0] <= width[1], (
        f"{label}: the page is {width[0]} px wide in a {width[1]} px window: {widest}"
    )


def small_targets(page, selector):
    """Visible controls matching selector smaller than 44 x 44 px."""
    return page.evaluate(
        """(selector) => Array.from(document.querySelectorAll(selector)).filter((el) => {
            const box = el.getBoundingClientRect();
            return box.width > 0 && box.height > 0 && (box.width < 43.5 || box.height < 43.5);
        }).map((el) => el.outerHTML.slice(0, 120) + ' ' + Math.round(el.getBoundingClientRect().width) + 'x'
             + Math.round(el.getBoundingClientRect().height))""",
        selector,
    )


# Controls a thumb hits on every page (links inside sentences are excepted, as WCAG 2.5.8 does).
CONTROLS = (
    "header a, header button, main button:not(.panel-close), main a.button, main select, .review-filter a, "
    ".pagination a, .exam-tools .tool, a.nav-cell, .strike-toggle, .panel-close, .rename summary, "
    ".keys-help summary"
)


def check(page, label):
    assert_no_axe_violations(page, label)
    no_sideways_scroll(page, label)
    if page.viewport_size["width"] <= PHONE["width"]:
        assert small_targets(page, CONTROLS) == [], label
    page.shot(re.sub(r"[^a-z0-9]+", "-", label.lower()))


@pytest.fixture
def student_with_blocks(browser_settings):
    student = make_user("examinee", display_name="Examinee")
    questions = [with_long_choices(long_question(system="Renal")) for _ in range(3)]
    questions += [make_question(system="Cardiovascular", subject="Pharmacology") for _ in range(3)]
    give_peer_answers(questions[0])
    timed = make_block(student, questions[3:6], mode=Block.Mode.TIMED)
    tutor = make_block(student, questions[0:3], mode=Block.Mode.TUTOR)
    Item.objects.filter(block=tutor, position=1).update(
        chosen_letter="A", is_correct=correct_letter(questions[0]) == "A", answered_at=timezone.now()
    )
    UserQuestion.objects.filter(user=student, question=questions[0]).update(
        first_letter="A", first_correct=correct_letter(questions[0]) == "A", first_answered_at=timezone.now()
    )
    Note.objects.create(user=student, question=questions[3], text="Check the ECG again.")
    return student, timed, tutor


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_every_student_page_state_passes_axe_and_fits_the_screen(page, student_with_blocks, size):
    page.set_viewport_size(DESKTOP if size == "desktop" else PHONE)
    student, timed, tutor = student_with_blocks
    for url, label in [
        ("/", "landing"),
        ("/accounts/login/", "login"),
        ("/accounts/signup/", "signup"),
        ("/accounts/password_reset/", "password reset"),
    ]:
        page.goto(url)
        check(page, f"{size} {label}")
    log_in(page, student.username)
    pages = [
        ("/", "dashboard"),
        ("/quizzes/new/", "create test"),
        ("/quizzes/", "my blocks"),
        ("/stats/", "performance"),
        ("/leaderboard/", "leaderboard"),
        ("/accounts/profile/", "profile"),
        ("/notes/", "my notes"),
        ("/notes/?q=nothing-matches", "my notes empty search"),
        ("/accounts/password_change/", "password change"),
        ("/stats/reset/", "reset my history"),
        (f"/quizzes/{tutor.pk}/q/1/", "tutor revealed item"),
        (f"/quizzes/{tutor.pk}/q/2/", "tutor unanswered item"),
    ]
    for url, label in pages:
        page.goto(url)
        check(page, f"{size} {label}")

    page.goto(f"/quizzes/{timed.pk}/q/1/")
    expect(page.locator("#block-screen[data-ready]")).to_have_count(1)
    page.locator('input[name=choice][value="B"]').check()
    page.locator(".strike-toggle[data-letter=C]").click()
    check(page, f"{size} timed item selected and struck")
    for panel in ("navigator", "labs", "calculator", "notes", "display"):
        page.locator(f'[data-opens="{panel}"]').click()
        expect(page.locator(f"#panel-{panel}")).to_be_visible()
        check(page, f"{size} timed item {panel} open")
        page.keyboard.press("Escape")
        expect(page.locator(f'[data-opens="{panel}"]')).to_be_focused()
    assert (
        small_targets(page, ".exam-tools .tool, a.nav-cell, .strike-toggle, .flag-button, .panel-close") == []
    )

    page.click("#suspend-button")
    expect(page.locator("h1")).to_have_text("My blocks")
    check(page, f"{size} my blocks with a suspended block")
    page.goto(f"/quizzes/{timed.pk}/q/2/")
    expect(page.locator("h1")).to_have_text("Block suspended")
    check(page, f"{size} suspended block")
    page.click("#resume-button")
    expect(page.locator(".exam-title")).to_have_text("Item 2 of 3")

    block_finish(block=timed)
    page.goto(f"/quizzes/{timed.pk}/review/")
    check(page, f"{size} review table")
    page.click(".review-table a.jump >> text=1")
    expect(page.locator("#item-1 .explanation")).to_be_visible()
    check(page, f"{size} review item open")
    page.goto(f"/quizzes/{timed.pk}/review/?show=omitted")
    check(page, f"{size} review omitted filter")
    page.goto(f"/quizzes/{timed.pk}/q/1/")
    check(page, f"{size} finished item")
    assert page.problems == []


@pytest.mark.parametrize("theme", ["dark", "high-contrast"])
def test_dark_and_high_contrast_pass_axe_too(page, student_with_blocks, theme):
    student, timed, tutor = student_with_blocks
    if theme == "dark":
        User.objects.filter(pk=student.pk).update(theme="dark")
    else:
        User.objects.filter(pk=student.pk).update(high_contrast=True, font_size="larger")
    log_in(page, student.username)
    for url, label in [
        ("/", "dashboard"),
        (f"/quizzes/{tutor.pk}/q/1/", "revealed item"),
        (f"/quizzes/{timed.pk}/q/1/", "timed item"),
        ("/leaderboard/", "leaderboard"),
    ]:
        page.goto(url)
        check(page, f"{theme} {label}")
    assert page.problems == []


def test_the_theme_is_there_before_the_first_paint(
    chromium, live_server, browser_settings, student_with_blocks
):
    student, _, _ = student_with_blocks
    User.objects.filter(pk=student.pk).update(theme="dark")
    dark = "rgb(13, 17, 23)"
    # With scripts switched off the page is dark all the same: the theme comes with the HTML,
    # so there is no first frame in the wrong colours for a script to fix.
    context = chromium.new_context(base_url=live_server.url, color_scheme="light", java_script_enabled=False)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("#id_username", student.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.goto("/stats/")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == dark
    context.close()
    # "Follow my device": a visitor whose device prefers dark gets dark; light gets light.
    for scheme, colour in (("dark", dark), ("light", "rgb(243, 246, 249)")):
        context = chromium.new_context(
            base_url=live_server.url, color_scheme=scheme, java_script_enabled=False
        )
        page = context.new_page()
        page.goto("/accounts/login/")
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == colour
        context.close()


def contrast(first: str, second: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(value) / 255 for value in re.findall(r"\d+", colour)[:3]]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted([luminance(first), luminance(second)], reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_focus_ring_and_navigator_states_are_three_to_one_apart(page, student_with_blocks, theme):
    student, timed, _ = student_with_blocks
    User.objects.filter(pk=student.pk).update(theme=theme)
    Item.objects.filter(block=timed, position=1).update(chosen_letter="A")
    log_in(page, student.username)
    page.goto(f"/quizzes/{timed.pk}/q/2/")
    answered = page.evaluate("getComputedStyle(document.getElementById('nav-cell-1')).backgroundColor")
    unanswered = page.evaluate("getComputedStyle(document.getElementById('nav-cell-3')).backgroundColor")
    assert contrast(answered, unanswered) >= 3, (answered, unanswered)
    # not by colour alone: the border style differs too
    styles = page.evaluate(
        "['nav-cell-1', 'nav-cell-3']"
        ".map((id) => getComputedStyle(document.getElementById(id)).borderTopStyle)"
    )
    assert styles == ["solid", "dashed"]
    page.locator('input[name=choice][value="A"]').focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # keyboard focus: :focus-visible applies
    ring = page.evaluate("getComputedStyle(document.activeElement).outlineColor")
    paper = page.evaluate("getComputedStyle(document.querySelector('.block-main')).backgroundColor")
    assert contrast(ring, paper) >= 3, (ring, paper)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1366"])
def test_revealed_tags_never_overlap_another_choice(page, student_with_blocks, viewport):
    page.set_viewport_size(viewport)
    student, _, tutor = student_with_blocks
    log_in(page, student.username)
    page.goto(f"/quizzes/{tutor.pk}/q/1/")
    expect(page.locator(".peer-share").first).to_be_visible()
    overlaps = page.evaluate(
        """() => {
            const choices = Array.from(document.querySelectorAll('.choices-revealed .choice'));
            const bad = [];
            const intersects = (a, b) =>
                a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
            choices.forEach((choice, index) => {
                const own = choice.getBoundingClientRect();
                const text = choice.querySelector('.choice-main').getBoundingClientRect();
                choice.querySelectorAll('.tag, .peer-share').forEach((tag) => {
                    const box = tag.getBoundingClientRect();
                    if (box.top < own.top - 0.5 || box.bottom > own.bottom + 0.5 || box.left < own.left - 0.5
                        || box.right > own.right + 0.5) bad.push(`tag outside choice ${index}`);
                    if (intersects(box, text)) bad.push(`tag over the text of choice ${index}`);
                    choices.forEach((other, otherIndex) => {
                        if (otherIndex !== index && intersects(box, other.getBoundingClientRect()))
                            bad.push(`tag of choice ${index} over choice ${otherIndex}`);
                    });
                });
            });
            return bad;
        }"""
    )
    assert overlaps == []
    tags = page.locator(".choices-revealed .tag, .choices-revealed .peer-share").count()
    assert tags >= 6  # correct answer, your answer (or the same), and five shares
    page.shot(f"revealed-{viewport['width']}")


def select_stem_words(page, start_word, end_word):
    """Select the stem text from one word to another, as a student dragging would (keyboard-equivalent)."""
    page.evaluate(
        """([start, end]) => {
            const stem = document.querySelector('.stem');
            const walker = document.createTreeWalker(stem, NodeFilter.SHOW_TEXT);
            let first = null, last = null;
            while (walker.nextNode()) {
                const node = walker.currentNode;
                if (!first && node.data.includes(start)) first = [node, node.data.indexOf(start)];
                if (node.data.includes(end)) last = [node, node.data.indexOf(end) + end.length];
            }
            const range = document.createRange();
            range.setStart(first[0], first[1]);
            range.setEnd(last[0], last[1]);
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
        }""",
        [start_word, end_word],
    )


def tab_to(page, matches: str, limit: int = 60) -> None:
    """Press Tab until the focused element matches the JS predicate (on `el`): reachable by keyboard."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return !!({matches}); }})()"):
            return
    pytest.fail(f"Tab never reached {matches}")


def test_a_timed_block_with_the_keyboard_suspended_overnight_and_reviewed(page, browser_settings):
    questions = [long_question(system="Renal") for _ in range(3)]
    # Sign up and build the block with the keyboard only.
    page.goto("/")
    tab_to(page, "el.textContent.includes('Create a free account')")
    page.keyboard.press("Enter")
    expect(page.locator("#id_username")).to_be_visible()
    tab_to(page, "el.id === 'id_username'")
    page.keyboard.type("nightowl")
    tab_to(page, "el.id === 'id_email'")
    page.keyboard.type("nightowl@example.org")
    tab_to(page, "el.id === 'id_password1'")
    page.keyboard.type("loop-of-henle-2026")
    tab_to(page, "el.id === 'id_password2'")
    page.keyboard.type("loop-of-henle-2026")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("Hello, nightowl")
    tab_to(page, "el.textContent.trim() === 'Build a practice block'")
    page.keyboard.press("Enter")
    expect(page.locator("#id_size")).to_be_visible()
    tab_to(page, "el.id === 'id_size'")
    page.keyboard.press("Control+a")
    page.keyboard.type("3")
    tab_to(page, "el.name === 'mode' && el.value === 'tutor'")
    page.keyboard.press("ArrowDown")  # the radio group moves to Timed
    expect(page.locator('input[name=mode][value="timed"]')).to_be_checked()
    tab_to(page, "el.textContent.trim() === 'Start the block'")
    page.keyboard.press("Enter")
    expect(page.locator(".exam-title")).to_have_text("Item 1 of 3")
    student = User.objects.get(username="nightowl")
    block = Block.objects.get(owner=student)
    assert block.is_timed
    questions = [item.question for item in block.items.select_related("question").order_by("position")]
    expect(page.locator("#block-screen[data-ready]")).to_have_count(1)
    expect(page.locator("html[data-marks-ready]")).to_have_count(1)

    # Tab from the top of the page reaches the first choice in a few presses, not eleven.
    presses = 0
    while presses < 6:
        page.keyboard.press("Tab")
        presses += 1
        if page.evaluate("document.activeElement.name") == "choice":
            break
    assert page.evaluate("document.activeElement.name") == "choice", "the first choice is not near the top"

    # Highlight with the keyboard (a selection, then Alt+H); Alt+H inside it clears it again.
    select_stem_words(page, "swelling", "ankles")
    page.keyboard.press("Alt+h")
    expect(page.locator(".stem mark.hl")).to_have_text("swelling of both ankles")
    select_stem_words(page, "150/95", "Hg")
    page.keyboard.press("Alt+h")
    expect(page.locator(".stem mark.hl")).to_have_count(2)
    # Strike out D with the keyboard: Tab to its button, Space.
    page.locator(".strike-toggle[data-letter=D]").focus()
    page.keyboard.press("Space")
    expect(page.locator('.choice[data-letter="D"]')).to_have_class(re.compile("is-struck"))
    page.keyboard.press("b")  # choose B (single-key shortcut), stored at once in timed mode
    page.keyboard.press("Alt+m")  # mark (flag)
    expect(page.locator("#flag-button")).to_have_attribute("aria-pressed", "true")

    # A note, with Alt+O; it saves itself as it is typed.
    page.keyboard.press("Alt+o")
    expect(page.locator("#panel-notes textarea")).to_be_focused()
    page.keyboard.type("Nephrotic range? Recheck albumin.")
    expect(page.locator("#panel-notes [role=status]")).to_contain_text("saved", timeout=5000)
    page.keyboard.press("Escape")

    # Labs (Alt+L): search for sodium; the sheet filters.
    page.keyboard.press("Alt+l")
    expect(page.locator("#lab-search")).to_be_focused()
    page.keyboard.type("sodium")
    expect(page.locator("#lab-search-status")).to_contain_text("match")
    visible = page.locator("[data-lab-row]:visible")
    assert visible.count() >= 2 and all("odium" in text for text in visible.all_inner_texts())
    page.shot("labs-sodium")
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")  # the first clears the search, the second closes the panel

    # Calculator (Alt+C): 12 * 3.5 = 42, typed; the keys do not reach the page's shortcuts.
    page.keyboard.press("Alt+c")
    page.keyboard.type("12*3.5")
    page.keyboard.press("Enter")
    expect(page.locator("#calc-display")).to_have_text("42")
    assert page.locator('input[name=choice][value="C"]').is_checked() is False  # "3" did not pick C
    page.shot("calculator")
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")

    # Everything above is on the server.
    item = Item.objects.get(block=block, position=1)
    expect(page.locator("#block-screen[data-marks-saved]")).to_have_count(1)
    item.refresh_from_db()
    assert item.chosen_letter == "B" and item.flagged and item.struck == "D" and len(item.highlights) == 2
    assert Note.objects.get(user=student, question=questions[0]).text == "Nephrotic range? Recheck albumin."

    # Next item with Alt+N, then suspend.
    page.keyboard.press("Alt+n")
    expect(page.locator(".exam-title")).to_have_text("Item 2 of 3")
    left_before = int(page.locator("#block-screen").get_attribute("data-seconds-left"))
    page.locator("#suspend-button").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("Block suspended")
    block.refresh_from_db()
    assert block.is_suspended

    # The next day: the clock did not run.
    day = timedelta(days=1)
    Block.objects.filter(pk=block.pk).update(
        suspended_at=block.suspended_at - day, deadline=block.deadline - day
    )
    page.goto("/")
    page.get_by_role("link", name=re.compile("^Resume")).first.focus()
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Block suspended")
    page.locator("#resume-button").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".exam-title")).to_have_text("Item 2 of 3")
    left_after = int(page.locator("#block-screen").get_attribute("data-seconds-left"))
    assert abs(left_after - left_before) <= 3

    # Back to item 1: the highlights, the strike-out and the choice are restored from the server.
    page.evaluate("localStorage.clear()")
    page.keyboard.press("Alt+p")
    expect(page.locator(".exam-title")).to_have_text("Item 1 of 3")
    expect(page.locator(".stem mark.hl")).to_have_count(2)
    expect(page.locator('.choice[data-letter="D"]')).to_have_class(re.compile("is-struck"))
    expect(page.locator('input[name=choice][value="B"]')).to_be_checked()

    # End the block (keyboard), and the review opens as a table.
    page.locator("#end-button").focus()
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("Review")
    expect(page.locator(".review-table tbody tr")).to_have_count(3)
    page.locator(".review-table a.jump >> text=1").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#item-1 .explanation")).to_be_visible()
    expect(page.locator("#item-1 .stem mark.hl")).to_have_count(2)
    expect(page.locator('#item-1 .choice[data-letter="D"]')).to_have_class(re.compile("is-struck"))
    expect(page.locator("#item-1 textarea[name=text]")).to_have_value("Nephrotic range? Recheck albumin.")
    page.shot("review-after-overnight")
    page.goto("/notes/?q=albumin")
    expect(page.locator("main")).to_contain_text("Nephrotic range?")
    assert page.problems == []


def test_a_mouse_selection_highlights_and_a_click_on_the_highlight_clears_it(page, browser_settings):
    student = make_user("mouser")
    block = make_block(student, [long_question()], mode=Block.Mode.TUTOR)
    log_in(page, student.username)
    page.goto(f"/quizzes/{block.pk}/q/1/")
    expect(page.locator("html[data-marks-ready]")).to_have_count(1)
    # A double-click selects a word; releasing the button highlights it.
    page.locator(".stem p").first.dblclick(position={"x": 60, "y": 10})
    expect(page.locator(".stem mark.hl")).to_have_count(1)
    expect(page.locator("#block-screen[data-marks-saved]")).to_have_count(1)
    assert len(Item.objects.get(block=block).highlights) == 1
    page.locator(".stem mark.hl").first.click()
    expect(page.locator(".stem mark.hl")).to_have_count(0)
    expect(page.locator('#block-screen[data-marks-saved="[]"]')).to_have_count(1)
    assert Item.objects.get(block=block).highlights == []
    assert page.problems == []


def test_on_a_phone_the_navigator_is_a_drawer_and_the_toolbar_is_at_the_thumb(page, browser_settings):
    page.set_viewport_size(PHONE)
    student = make_user("thumb")
    block = make_block(student, [make_question() for _ in range(12)], mode=Block.Mode.TIMED)
    log_in(page, student.username)
    page.goto(f"/quizzes/{block.pk}/q/1/")
    expect(page.locator("#panel-navigator")).to_be_hidden()
    toolbar = page.locator("#exam-tools").bounding_box()
    assert toolbar["y"] + toolbar["height"] >= PHONE["height"] - 1  # fixed at the bottom edge
    page.click('[data-opens="navigator"]')
    expect(page.locator("#panel-navigator")).to_be_visible()
    page.shot("phone-navigator-drawer")
    page.click("#nav-cell-7")
    expect(page.locator(".exam-title")).to_have_text("Item 7 of 12")
    assert page.problems == []


def test_suspending_in_one_tab_hides_the_question_in_the_other(page, browser_settings):
    student = make_user("twotabs")
    block = make_block(student, [long_question(), long_question()], mode=Block.Mode.TIMED)
    log_in(page, student.username)
    page.goto(f"/quizzes/{block.pk}/q/1/")
    other = page.context.new_page()
    other.goto(f"/quizzes/{block.pk}/q/2/")
    expect(other.locator("#block-screen[data-ready]")).to_have_count(1)
    page.click("#suspend-button")
    expect(page.locator(".messages")).to_contain_text("Block suspended")
    expect(other.locator("h1")).to_have_text("Block suspended")
    expect(other.locator(".stem")).to_have_count(0)
    other.close()
    assert page.problems == []
