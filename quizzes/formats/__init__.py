"""Question files in the formats faculty already have: our JSON, Moodle XML, GIFT, Aiken and CSV.

    bank = parse_questions(raw, format="moodle", options=ImportOptions(known_subjects=...))
    questions_import(questions=bank.questions)  # after showing bank.skipped and bank.mapping

Parsing never touches the database and a file with any problem is rejected whole
(BankFormatError lists every problem). docs/QUESTION_FORMAT.md describes each format and how a
question's subject and system are found.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from quizzes.formats.aiken import parse_aiken
from quizzes.formats.candidates import MAX_FILE_BYTES, ImportOptions, ParsedBank, check_size
from quizzes.formats.csv_bank import COLUMNS as CSV_COLUMNS
from quizzes.formats.csv_bank import parse_csv
from quizzes.formats.gift import parse_gift
from quizzes.formats.markup import PLUGINFILE, PLUGINFILE_REFERENCE
from quizzes.formats.moodle_xml import dump_moodle_xml, parse_moodle_xml
from quizzes.question_format import BankFormatError, parse_bank

__all__ = [
    "CSV_COLUMNS",
    "FORMATS",
    "MAX_FILE_BYTES",
    "PLUGINFILE",
    "PLUGINFILE_REFERENCE",
    "BankFormatError",
    "ImportOptions",
    "ParsedBank",
    "detect_format",
    "dump_moodle_xml",
    "parse_questions",
]


def parse_json(raw: bytes, options: ImportOptions) -> ParsedBank:
    """Our own format says everything itself; the options are not needed. Its images ride along as
    `"images": [{"key", "alt", "data" (base64)}]` and the text refers to them as `image:KEY`."""
    questions = parse_bank(raw)
    attachments = _json_images(raw)
    mapping = [
        f'item {number} "{question.external_id}": '
        f"subject {question.subject} (file), system {question.system} (file)"
        for number, question in enumerate(questions, start=1)
    ]
    return ParsedBank(questions=questions, mapping=mapping, attachments=attachments)


def _json_images(raw: bytes) -> dict[str, bytes]:
    import base64
    import binascii
    import json

    images = json.loads(raw).get("images", [])
    if not isinstance(images, list):
        raise BankFormatError(['"images" must be a list of {"key", "alt", "data"} objects'])
    attachments, problems = {}, []
    for number, image in enumerate(images, start=1):
        key = image.get("key") if isinstance(image, dict) else None
        if not isinstance(key, str) or not re.fullmatch(r"[0-9a-f]{32}", key):
            problems.append(f'image {number}: "key" must be 32 hexadecimal characters')
            continue
        try:
            attachments[f"image:{key}"] = base64.b64decode(str(image.get("data", "")), validate=True)
        except (binascii.Error, ValueError):
            problems.append(f'image {number} ({key}): "data" is not valid base64')
    if problems:
        raise BankFormatError(problems)
    return attachments


FORMATS: dict[str, Callable[[bytes, ImportOptions], ParsedBank]] = {
    "json": parse_json,
    "moodle": parse_moodle_xml,
    "gift": parse_gift,
    "aiken": parse_aiken,
    "csv": parse_csv,
}


def parse_questions(raw: bytes, *, format: str, options: ImportOptions) -> ParsedBank:
    """Every importable question in the file, or BankFormatError listing every problem."""
    parse = FORMATS.get(format)
    if parse is None:
        raise BankFormatError([f"unknown format {format!r}; expected one of {', '.join(FORMATS)}"])
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    check_size(raw)
    return parse(raw, options)


_AIKEN_ANSWER = re.compile(r"^\s*ANSWER\s*:\s*[A-Za-z]\s*$", re.MULTILINE)
_AIKEN_OPTION = re.compile(r"^\s*[A-Z]\s*[.)]\s+\S", re.MULTILINE)
_GIFT_MARKS = re.compile(r"^\s*(::|\$CATEGORY:)|\{[^{}]*[=~][^{}]*\}", re.MULTILINE)


def detect_format(filename: str, raw: bytes) -> str | None:
    """The format a file is most likely in, from its name and first bytes; None when unsure."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    head = raw[:65536].lstrip(b"\xef\xbb\xbf \t\r\n")
    if extension == "json" or (not extension and head.startswith(b"{")):
        return "json"
    if extension == "xml" or head.startswith((b"<?xml", b"<quiz")):
        return "moodle" if b"<quiz" in head else None
    if extension == "csv":
        return "csv"
    if extension == "gift":
        return "gift"
    if extension not in ("", "txt", "text", "aiken"):
        return None
    text = head.decode("utf-8", "replace")
    if _AIKEN_ANSWER.search(text) and _AIKEN_OPTION.search(text):
        return "aiken"
    if _GIFT_MARKS.search(text):
        return "gift"
    first_line = text.split("\n", 1)[0].lower()
    if "," in first_line and "stem" in first_line and "lead_in" in first_line:
        return "csv"
    if head.startswith(b"{"):
        return "json"
    return None
