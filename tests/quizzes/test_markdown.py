import pytest

from quizzes.markdown import render_markdown
from tests.conftest import make_question

pytestmark = pytest.mark.django_db


def test_markdown_becomes_html():
    html = render_markdown("A **58-year-old** man.\n\n| Test | Value |\n|---|---|\n| Na | 128 mEq/L |")
    assert "<strong>58-year-old</strong>" in html
    assert "<table>" in html and "<td>128 mEq/L</td>" in html


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<svg onload="alert(1)"><circle r="1"/></svg>',
        '<a href="javascript:alert(1)">x</a>',
        '<iframe src="https://evil.example"></iframe>',
    ],
)
def test_hostile_html_never_survives(payload):
    html = render_markdown(f"Stem text. {payload}")
    for needle in ("<script", "onerror", "javascript:", "<svg", "onload", "<iframe", "alert(1)</script"):
        assert needle not in html.lower()


def test_images_are_lazy_loaded():
    assert 'loading="lazy"' in render_markdown("![ECG](/static/img/ecg.png)")


def test_a_script_in_a_stem_is_stripped_before_it_is_stored():
    question = make_question(stem="Fever and rash.<script>steal()</script>")
    assert "<script" not in question.stem_html
    assert "Fever and rash." in question.stem_html
