"""Images faculty upload into questions: decoded, checked and re-encoded before anything is stored.

Nothing a browser could be tricked into running survives: SVG is refused outright (it is a document that can
carry scripts), and every accepted file is decoded to pixels and written again as WebP, so EXIF (GPS
positions, camera serials, patient names in comments), ICC payloads and whatever a polyglot hid after the
image data are gone. Two renditions: "full" (at most FULL_MAX px on the long side) for the zoom, and "web"
(at most WEB_MAX px) for the page.
"""

from __future__ import annotations

import hashlib
import re
import warnings
from dataclasses import dataclass
from html import escape, unescape
from io import BytesIO

from django.conf import settings
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"PNG": "PNG", "JPEG": "JPEG", "GIF": "GIF", "WEBP": "WebP"}
FULL_MAX = 2400
WEB_MAX = 1200
# A decompression bomb (a tiny file that decodes to gigapixels) is refused before it is decoded.
MAX_PIXELS = 40_000_000
ALT_TEXT_MAX = 300


class ImageRejected(ValueError):
    """The upload is not an image we accept; the message says why, in words for the faculty member."""


@dataclass(frozen=True)
class ProcessedImage:
    full: bytes
    web: bytes
    width: int
    height: int
    web_width: int
    web_height: int
    source_sha256: str
    full_sha256: str


def max_upload_bytes() -> int:
    return settings.QUESTION_IMAGE_MAX_BYTES


def alt_text_clean(alt_text: str) -> str:
    alt = " ".join((alt_text or "").split())
    if not alt:
        raise ImageRejected("Describe the image in the alt text: students who cannot see it need it.")
    if len(alt) > ALT_TEXT_MAX:
        raise ImageRejected(f"The alt text must be at most {ALT_TEXT_MAX} characters.")
    return alt


def image_process(data: bytes) -> ProcessedImage:
    """The two renditions of an uploaded file, or ImageRejected saying what is wrong with it."""
    limit = max_upload_bytes()
    if len(data) > limit:
        raise ImageRejected(f"The image is larger than {limit // (1024 * 1024)} MB; export it smaller.")
    if not data:
        raise ImageRejected("The file is empty.")
    head = data[:1024].lstrip().lower()
    if head.startswith((b"<?xml", b"<svg", b"<!doctype svg")) or b"<svg" in head:
        raise ImageRejected("SVG images are not accepted (they can carry scripts); export the image as PNG.")
    image = _decode(data)
    lossless = image.format in ("PNG", "GIF")
    image = ImageOps.exif_transpose(image)  # a phone photo keeps its orientation once EXIF is dropped
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if _has_alpha(image) else "RGB")
    full = _rendition(image, FULL_MAX)
    web = _rendition(image, WEB_MAX)
    full_bytes = _encode(full, lossless=lossless)
    return ProcessedImage(
        full=full_bytes,
        web=_encode(web, lossless=lossless),
        width=full.width,
        height=full.height,
        web_width=web.width,
        web_height=web.height,
        source_sha256=hashlib.sha256(data).hexdigest(),
        full_sha256=hashlib.sha256(full_bytes).hexdigest(),
    )


def _decode(data: bytes) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(BytesIO(data))
            if image.format not in ACCEPTED_FORMATS:
                raise ImageRejected(f"{image.format} images are not accepted; use PNG, JPEG, GIF or WebP.")
            if image.width * image.height > MAX_PIXELS:
                raise ImageRejected(
                    f"The image is {image.width} x {image.height} pixels; at most {MAX_PIXELS:,} pixels."
                )
            source_format = image.format
            image.seek(0)  # an animated GIF or WebP: its first frame
            image.load()  # decode every pixel now: a truncated or corrupt file fails here, not later
        except ImageRejected:
            raise
        except (UnidentifiedImageError, Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise ImageRejected("This is not an image we can read; use PNG, JPEG, GIF or WebP.") from None
        except (OSError, SyntaxError, ValueError, EOFError):
            raise ImageRejected("The image is damaged or incomplete; export it again.") from None
    image.format = source_format
    return image


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("LA", "PA", "RGBA") or (image.mode == "P" and "transparency" in image.info)


def _rendition(image: Image.Image, longest: int) -> Image.Image:
    copy = image.copy()
    copy.thumbnail((longest, longest), Image.Resampling.LANCZOS)
    return copy


def _encode(image: Image.Image, *, lossless: bool) -> bytes:
    out = BytesIO()
    # Line art (ECG strips, diagrams, usually PNG) stays sharp lossless; photographs (smears, histology) as
    # quality-85 WebP. No exif= or icc_profile= argument: nothing but pixels is written.
    image.save(out, "WEBP", lossless=lossless, quality=85 if not lossless else 80, method=4)
    return out.getvalue()


# How text refers to a stored image: `![alt](image:KEY)` in Markdown, `src="image:KEY"` in HTML.
IMAGE_REF = re.compile(r"image:([0-9a-f]{32})\b")
IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_SRC_REF = re.compile(r"""src\s*=\s*["']image:([0-9a-f]{32})["']""", re.IGNORECASE)
ALT_ATTRIBUTE = re.compile(r"""alt\s*=\s*"([^"]*)"|alt\s*=\s*'([^']*)'""", re.IGNORECASE)
# In a choice (plain text, escaped): only the Markdown form.
_CHOICE_REF = re.compile(r"!\[([^\]]*)\]\(image:([0-9a-f]{32})\)")


def image_keys_in(*texts: str) -> set[str]:
    return {key for text in texts for key in IMAGE_REF.findall(text or "")}


def rendition_name(key: str, rendition: str) -> str:
    return f"question-images/{key}/{rendition}.webp"


def rendition_url(key: str, rendition: str) -> str:
    from django.core.files.storage import default_storage

    return default_storage.url(rendition_name(key, rendition))


def image_figure_html(
    *, key: str, alt: str, width: int | None = None, height: int | None = None, zoom: bool = True
) -> str:
    """The image as the page shows it: the web rendition, lazy, inside a link to the full one (the zoom;
    without JavaScript the link simply opens the image)."""
    size = f' width="{width}" height="{height}"' if width and height else ""
    img = f'<img src="{escape(rendition_url(key, "web"))}" alt="{escape(alt)}"{size} loading="lazy">'
    if not zoom:
        return img
    return f'<a class="zoomable" href="{escape(rendition_url(key, "full"))}">{img}</a>'


def images_resolve_html(html: str, images: dict) -> str:
    """Rewrite each `<img src="image:KEY">` of rendered Markdown into the stored image (before sanitising).

    `images` maps keys to QuestionImage rows. An unknown key (a typo, an image deleted) becomes a visible
    marker rather than a broken image, so the preview shows the mistake.
    """

    def replace(match: re.Match) -> str:
        tag = match.group(0)
        ref = _SRC_REF.search(tag)
        if not ref:
            return tag
        image = images.get(ref.group(1))
        if image is None:
            return f'<span class="image-missing">[image {ref.group(1)} not found]</span>'
        alt_match = ALT_ATTRIBUTE.search(tag)
        alt = unescape((alt_match.group(1) or alt_match.group(2) or "") if alt_match else "").strip()
        return image_figure_html(
            key=image.key, alt=alt or image.alt_text, width=image.web_width, height=image.web_height
        )

    return IMG_TAG.sub(replace, html)


def choice_text_html(text: str, *, zoom: bool = True) -> str:
    """A choice's plain text, escaped, with its image references shown as images (without the zoom link
    inside a choice's <label>, where a click must pick the choice)."""
    parts, last = [], 0
    for match in _CHOICE_REF.finditer(text):
        parts.append(escape(text[last : match.start()]))
        parts.append(image_figure_html(key=match.group(2), alt=match.group(1).strip() or "Image", zoom=zoom))
        last = match.end()
    parts.append(escape(text[last:]))
    return "".join(parts)
