"""Images in questions: uploads validated and re-encoded, stored through the storage API, shown."""

from __future__ import annotations

import struct
import zlib
from io import BytesIO

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from quizzes.images import ImageRejected, image_process
from quizzes.models import Question, QuestionImage
from quizzes.services import question_render
from quizzes.services.images import image_bytes, image_store
from tests.conftest import ADMIN, make_block, make_question, verify_second_factor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def admin_client(client, staff_user):
    client.force_login(staff_user)
    verify_second_factor(client, staff_user)
    return client


def png_bytes(size=(40, 30), color=(200, 30, 30)) -> bytes:
    out = BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (64, 48), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    exif[0x9286] = "patient Jane Roe, MRN 1234"  # UserComment
    exif[0x0112] = 6  # Orientation: rotate 90 degrees clockwise to display
    out = BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_a_jpeg_is_re_encoded_as_webp_without_its_exif_and_upright():
    data = jpeg_with_exif()
    assert b"patient Jane Roe" in data
    processed = image_process(data)
    for rendition in (processed.full, processed.web):
        assert b"patient Jane Roe" not in rendition
        image = Image.open(BytesIO(rendition))
        assert image.format == "WEBP"
        assert not image.getexif()
    # Orientation 6 was applied before EXIF was dropped: 64x48 stands up as 48x64.
    assert (processed.width, processed.height) == (48, 64)


def test_a_polyglot_loses_whatever_rode_after_the_pixels():
    payload = b"<script>alert(document.cookie)</script>PK\x03\x04zip-archive-here"
    processed = image_process(png_bytes() + payload)
    assert b"<script>" not in processed.full and b"PK\x03\x04" not in processed.full


def test_large_images_get_a_web_rendition_and_a_capped_full_one():
    processed = image_process(png_bytes(size=(3000, 1500)))
    assert (processed.width, processed.height) == (2400, 1200)
    assert (processed.web_width, processed.web_height) == (1200, 600)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "SVG images are not accepted",
        ),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "SVG images are not accepted"),
        (b"just some text pretending to be a picture", "not an image we can read"),
        (b"", "empty"),
    ],
)
def test_what_is_not_a_usable_image_is_refused_with_a_reason(data, message):
    with pytest.raises(ImageRejected, match=message):
        image_process(data)


def test_a_truncated_image_is_refused():
    data = png_bytes(size=(200, 200), color=(1, 2, 3))
    with pytest.raises(ImageRejected, match="damaged or incomplete"):
        image_process(data[: len(data) // 2])


def test_a_decompression_bomb_is_refused_before_it_is_decoded():
    # A valid PNG header that claims 50,000 x 50,000 pixels (2.5 gigapixels) over a few bytes of data.
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = chunk(b"IHDR", struct.pack(">IIBBBBB", 50_000, 50_000, 8, 2, 0, 0, 0))
    bomb = b"\x89PNG\r\n\x1a\n" + header + chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + chunk(b"IEND", b"")
    with pytest.raises(ImageRejected):
        image_process(bomb)


def test_an_upload_over_the_size_limit_is_refused(settings):
    settings.QUESTION_IMAGE_MAX_BYTES = 1024 * 1024
    with pytest.raises(ImageRejected, match="larger than 1 MB"):
        image_process(b"\x89PNG" + b"\x00" * (1024 * 1024 + 1))


def test_an_animated_gif_keeps_its_first_frame():
    frames = [Image.new("RGB", (20, 20), color) for color in ((255, 0, 0), (0, 0, 255))]
    out = BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:])
    processed = image_process(out.getvalue())
    image = Image.open(BytesIO(processed.full)).convert("RGB")
    assert image.getpixel((5, 5))[0] > 200  # red, the first frame


def test_storing_the_same_bytes_twice_gives_one_image(staff_user):
    data = png_bytes()
    first, created = image_store(data=data, alt_text="Red square", uploaded_by=staff_user)
    again, created_again = image_store(data=data, alt_text="Something else")
    assert created and not created_again
    assert first.pk == again.pk and QuestionImage.objects.count() == 1
    # Its stored full rendition, imported back (an export), is the same image too.
    assert image_store(data=image_bytes(image=first), alt_text="x")[0].pk == first.pk
    assert default_storage.exists(first.storage_name("web"))


def test_alt_text_is_required():
    with pytest.raises(ImageRejected, match="alt text"):
        image_store(data=png_bytes(), alt_text="   ")
    assert not QuestionImage.objects.exists()


def test_a_stem_reference_becomes_a_lazy_zoomable_image_with_its_size():
    image, _ = image_store(data=png_bytes(size=(1600, 800)), alt_text="Peripheral smear")
    question = make_question(
        stem=f"Her smear is shown.\n\n![Blood smear with schistocytes](image:{image.key})"
    )
    question_render(question=question)
    html = question.stem_html
    assert f'href="/media/question-images/{image.key}/full.webp"' in html
    assert f'src="/media/question-images/{image.key}/web.webp"' in html
    assert 'alt="Blood smear with schistocytes"' in html
    assert 'width="1200" height="600"' in html and 'loading="lazy"' in html
    assert 'class="zoomable"' in html


def test_a_reference_to_no_stored_image_shows_a_marker_not_a_broken_image():
    question = make_question(stem="See ![x](image:" + "0" * 32 + ")")
    question_render(question=question)
    assert "not found]" in question.stem_html and "<img" not in question.stem_html


def test_a_student_sees_the_image_in_the_stem_and_in_a_choice(client, student):
    stem_image, _ = image_store(data=png_bytes(), alt_text="ECG")
    choice_image, _ = image_store(data=png_bytes(color=(0, 200, 0)), alt_text="Green")
    question = make_question(stem=f"An ECG is obtained.\n\n![12-lead ECG](image:{stem_image.key})")
    question.choices.filter(letter="C").update(text=f"This pattern ![Pattern C](image:{choice_image.key})")
    block = make_block(student, [question])
    client.force_login(student)
    page = client.get(f"/quizzes/{block.pk}/q/1/").content.decode()
    assert f"/media/question-images/{stem_image.key}/web.webp" in page
    assert 'alt="12-lead ECG"' in page
    # In a choice's label the image has no zoom link (a click there picks the choice).
    assert f'<img src="/media/question-images/{choice_image.key}/web.webp" alt="Pattern C"' in page
    assert "![Pattern C]" not in page


def test_a_choice_cannot_smuggle_html_through_its_image_reference(client, student):
    image, _ = image_store(data=png_bytes(), alt_text="ok")
    question = make_question()
    question.choices.filter(letter="A").update(text=f'<b>x</b> ![a" onerror="alert(1)](image:{image.key})')
    client.force_login(student)
    page = client.get(f"/quizzes/{make_block(student, [question]).pk}/q/1/").content.decode()
    assert "<b>x</b>" not in page and 'onerror="alert(1)"' not in page


def test_images_are_served_with_a_years_cache(client):
    image, _ = image_store(data=png_bytes(), alt_text="Red")
    response = client.get(f"/media/question-images/{image.key}/web.webp")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert "immutable" in response["Cache-Control"] and "max-age=31536000" in response["Cache-Control"]
    assert Image.open(BytesIO(b"".join(response.streaming_content))).format == "WEBP"
    assert client.get(f"/media/question-images/{'a' * 32}/web.webp").status_code == 404
    assert client.get(f"/media/question-images/{image.key}/original.png").status_code == 404
    assert client.post(f"/media/question-images/{image.key}/web.webp").status_code in (403, 405)


def test_staff_upload_an_image_in_the_admin_and_get_its_reference(admin_client, staff_user):
    upload = SimpleUploadedFile("ecg.png", png_bytes(), content_type="image/png")
    response = admin_client.post(
        f"{ADMIN}quizzes/questionimage/add/", {"upload": upload, "alt_text": "12-lead ECG, ST elevation"}
    )
    assert response.status_code == 302
    image = QuestionImage.objects.get()
    assert image.uploaded_by == staff_user and image.original_name == "ecg.png"
    page = admin_client.get(response["Location"]).content.decode()
    assert f"image:{image.key}" in page


@pytest.mark.parametrize(
    ("filename", "data", "alt", "message"),
    [
        ("ecg.png", None, "", "This field is required"),
        ("evil.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>1</script></svg>", "x", "SVG images"),
        ("notes.png", b"plain text", "x", "not an image we can read"),
    ],
)
def test_the_admin_upload_refuses_bad_files_with_a_message(admin_client, filename, data, alt, message):
    upload = SimpleUploadedFile(filename, data or png_bytes(), content_type="image/png")
    response = admin_client.post(f"{ADMIN}quizzes/questionimage/add/", {"upload": upload, "alt_text": alt})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not QuestionImage.objects.exists()


def test_the_image_list_stays_within_its_query_budget(admin_client, django_assert_max_num_queries):
    for shade in range(12):
        image_store(data=png_bytes(color=(shade, 0, 0)), alt_text=f"Shade {shade}")
    with django_assert_max_num_queries(12):
        response = admin_client.get(f"{ADMIN}quizzes/questionimage/")
    assert response.status_code == 200 and response.content.decode().count('class="admin-thumb"') == 12


def test_students_cannot_reach_the_image_admin(client, student):
    client.force_login(student)
    response = client.get(f"{ADMIN}quizzes/questionimage/add/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_question_form_refuses_a_reference_to_no_stored_image(admin_client):
    from quizzes.models import Subject, System
    from tests.conftest import make_taxonomy
    from tests.quizzes.test_admin import question_form

    taxonomy = make_taxonomy(Subject, "Pathology"), make_taxonomy(System, "Cardiovascular")
    data = question_form(*taxonomy, [(letter, letter == "B") for letter in "ABCDE"])
    data["stem"] = "See ![ECG](image:" + "f" * 32 + ")"
    response = admin_client.post(f"{ADMIN}quizzes/question/add/", data)
    assert response.status_code == 200
    assert "No stored image has the reference" in response.content.decode()
    assert not Question.objects.exists()


def test_publishing_needs_an_objective(admin_client):
    from quizzes.models import Subject, System
    from tests.conftest import make_taxonomy
    from tests.quizzes.test_admin import question_form

    taxonomy = make_taxonomy(Subject, "Pathology"), make_taxonomy(System, "Cardiovascular")
    choices = [(letter, letter == "B") for letter in "ABCDE"]
    data = question_form(*taxonomy, choices, status="published", educational_objective="")
    response = admin_client.post(f"{ADMIN}quizzes/question/add/", data)
    assert response.status_code == 200
    assert "Write the educational objective before publishing." in response.content.decode()
    # A draft may wait for its objective; the publish action then leaves it in draft and says why.
    data.update(status="draft")
    assert admin_client.post(f"{ADMIN}quizzes/question/add/", data).status_code == 302
    draft = Question.objects.get(external_id="adm-1")
    ready = make_question(status=Question.Status.DRAFT)
    response = admin_client.post(
        f"{ADMIN}quizzes/question/",
        {"action": "publish", "_selected_action": [draft.pk, ready.pk]},
        follow=True,
    )
    assert "1 question(s) published." in response.content.decode()
    assert (
        "1 question(s) left in draft: they have no educational objective or no explanation yet."
        in response.content.decode()
    )
    draft.refresh_from_db()
    ready.refresh_from_db()
    assert draft.status == "draft" and ready.status == "published"


def test_the_admin_accepts_a_larger_body_than_student_pages(client, student, admin_client):
    big = b"x" * (3 * 1024 * 1024)
    student_response = client.post(
        "/notes/q/1/", data=big, content_type="application/octet-stream"
    )  # any student URL: refused before the view
    assert student_response.status_code == 413
    upload = SimpleUploadedFile("big.png", png_bytes(size=(1200, 1200)) + big, content_type="image/png")
    response = admin_client.post(f"{ADMIN}quizzes/questionimage/add/", {"upload": upload, "alt_text": "Big"})
    assert response.status_code == 302
