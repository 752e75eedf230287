"""Moodle XML: the question bank export every Moodle site can write and read.

Only single-best-answer multiple choice becomes a question; every other type is skipped with a
line saying so. The file is parsed with the standard library's expat after refusing any DOCTYPE or
entity declaration (defusedxml is not a dependency): without a DOCTYPE there is no entity to
expand, so a "billion laughs" file is refused before parsing starts.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable, Mapping
from urllib.parse import quote, unquote
from xml.etree import ElementTree

from quizzes.formats.candidates import (
    BankBuilder,
    Candidate,
    ImportOptions,
    ParsedBank,
    check_size,
    lettered_choices,
    short_title,
)
from quizzes.formats.mapping import category_path, hints_from, tag_settings
from quizzes.formats.markup import (
    PLUGINFILE,
    PLUGINFILE_REFERENCE,
    image_problems,
    plain_text,
    split_lead_in,
    split_objective,
)
from quizzes.models import Question
from quizzes.question_format import BankFormatError

_SKIP_REASON = "only single-best-answer multiple choice is imported"
_TYPE_NAMES = {"multianswer": "cloze", "ddwtos": "drag and drop", "gapselect": "select missing words"}
_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_ENCODING = re.compile(rb"""\A(?:\xef\xbb\xbf)?\s*<\?xml[^>]*\bencoding\s*=\s*["']([^"']+)["']""")


def parse_moodle_xml(raw: bytes, options: ImportOptions) -> ParsedBank:
    root = _read_document(raw)
    builder = BankBuilder(options, id_prefix="moodle")
    files = _Files(builder.bank.attachments)
    category, number = "", 0
    for element in root.iter("question"):
        kind = element.get("type", "")
        if kind == "category":
            category = _text(element.find("category"))
            continue
        number += 1
        label, title = f"question {number}", short_title(_text(element.find("name")))
        skipped = _unsupported(element, kind)
        if skipped:
            builder.skip(label, title, *skipped)
            continue
        builder.add(_candidate(element, label=label, title=title, category=category, files=files))
    return builder.result()


def _read_document(raw: bytes) -> ElementTree.Element:
    check_size(raw)
    declared = _ENCODING.match(raw)
    if declared and declared.group(1).decode("ascii", "replace").lower().replace("_", "-") not in (
        "utf-8",
        "utf8",
    ):
        raise BankFormatError([f"the file must be UTF-8, not {declared.group(1).decode('ascii', 'replace')}"])
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BankFormatError([f"the file is not UTF-8 text (byte {error.start})"]) from None
    if _DECLARATION.search(raw):
        raise BankFormatError(
            ["the file declares a DOCTYPE or entities, which Moodle never writes; it is refused unread"]
        )
    try:
        root = ElementTree.fromstring(raw, parser=ElementTree.XMLParser())  # noqa: S314 - declarations refused above
    except ElementTree.ParseError as error:
        raise BankFormatError([f"not well-formed XML: {error}"]) from None
    if root.tag != "quiz":
        raise BankFormatError(
            [f"not a Moodle XML question file: the root element is <{root.tag}>, not <quiz>"]
        )
    return root


def _text(element: ElementTree.Element | None) -> str:
    return (element.findtext("text") or "").strip() if element is not None else ""


def _fraction(answer: ElementTree.Element) -> float | None:
    try:
        return float(answer.get("fraction", "0"))
    except ValueError:
        return None


def _unsupported(element: ElementTree.Element, kind: str) -> tuple[str, str] | None:
    """(what it is, why it is skipped), or None for a question the bank can hold."""
    if kind != "multichoice":
        return _TYPE_NAMES.get(kind, kind or "no type"), _SKIP_REASON
    if (element.findtext("single") or "true").strip().lower() not in ("true", "1"):
        return "multichoice, multiple answers", _SKIP_REASON
    for answer in element.findall("answer"):
        fraction = _fraction(answer)
        if fraction is not None and 0 < fraction < 100:
            return "multichoice, partial credit", f"an answer gives {fraction:g}% credit; {_SKIP_REASON}"
    return None


def _is_html(element: ElementTree.Element | None, text: str, default: str = "html") -> bool:
    text_format = element.get("format", "") if element is not None else ""
    if not text_format:
        return default == "html" and bool(re.search(r"<[a-zA-Z][^>]*>", text))
    return text_format == "html"


def _candidate(
    element: ElementTree.Element, *, label: str, title: str, category: str, files: _Files
) -> Candidate:
    problems: list[str] = []
    number = int(label.split()[-1])
    question_text = element.find("questiontext")
    text = files.resolve(question_text, number=number, where="question text", problems=problems)
    problems += image_problems(text, "question text")
    split = split_lead_in(text, html=_is_html(question_text, text))
    if split is None:
        problems.append('no lead-in: the question text has no sentence ending in "?"')
    stem, lead_in = split or (text, "")

    answers, feedback_lines = [], []
    for position, answer in enumerate(element.findall("answer"), start=1):
        fraction = _fraction(answer)
        if fraction is None:
            problems.append(f"answer {position}: the fraction {answer.get('fraction')!r} is not a number")
        where = f"answer {position}"
        answer_text = files.resolve(answer, number=number, where=where, problems=problems)
        choice_text = plain_text(answer_text) if _is_html(answer, answer_text) else answer_text.strip()
        if not choice_text:
            continue  # Moodle ignores a blank answer slot
        problems += image_problems(answer_text, where)
        answers.append((choice_text, fraction is not None and abs(fraction - 100) < 1e-6))
        feedback_element = answer.find("feedback")
        feedback = files.resolve(
            feedback_element, number=number, where=f"{where} feedback", problems=problems
        )
        problems += image_problems(feedback, f"{where} feedback")
        feedback_lines.append(
            plain_text(feedback) if _is_html(feedback_element, feedback) else feedback.strip()
        )
    choices = lettered_choices(answers)

    general = element.find("generalfeedback")
    general_text = files.resolve(general, number=number, where="general feedback", problems=problems)
    problems += image_problems(general_text, "general feedback")
    explanation, objective = split_objective(general_text, html=_is_html(general, general_text))
    listed = [
        f"- **({choice.letter}) {choice.text}**: {feedback}"
        for choice, feedback in zip(choices, feedback_lines, strict=True)
        if feedback
    ]
    explanation = "\n\n".join(part for part in (explanation, "\n".join(listed)) if part)

    tags = [tag.findtext("text", "").strip() for tag in element.findall("tags/tag")]
    tags = [tag for tag in tags if tag]
    difficulty, status = tag_settings(tags, problems)
    return Candidate(
        label=label,
        title=title,
        stem=stem,
        lead_in=lead_in,
        choices=choices,
        explanation=explanation,
        objective=objective,
        external_id=(element.findtext("idnumber") or "").strip(),
        hints=hints_from(category=category, tags=tags),
        difficulty=difficulty,
        status=status,
        missing_explanation="no explanation: the question has no general feedback and no answer feedback",
        problems=problems,
    )


class _Files:
    """Files embedded in text elements, gathered into the bank's attachments under the name the
    text refers to them by."""

    def __init__(self, attachments: dict[str, bytes]):
        self.attachments = attachments

    def resolve(
        self, element: ElementTree.Element | None, *, number: int, where: str, problems: list[str]
    ) -> str:
        """The element's text, every @@PLUGINFILE@@ reference checked against its embedded files."""
        if element is None:
            return ""
        text = (element.findtext("text") or "").strip()
        embedded: dict[str, bytes | None] = {}  # None: there but unreadable, already a problem
        for file in element.findall("file"):
            name = (file.get("name") or "").strip()
            path = (file.get("path") or "/").strip("/")
            data = None
            if file.get("encoding", "base64") != "base64":
                problems.append(f'the file "{name}" in the {where} is not base64-encoded')
            else:
                try:
                    data = base64.b64decode("".join((file.text or "").split()), validate=True)
                except (binascii.Error, ValueError):
                    problems.append(f'the file "{name}" in the {where} is not valid base64')
            embedded[f"{path}/{name}" if path else name] = data

        def replace(match: re.Match) -> str:
            reference = match.group("name")
            name = unquote(reference)
            data = embedded.get(name)
            if data is None:
                if name not in embedded:
                    problems.append(f"the {where} refers to {PLUGINFILE}{reference}, which the file lacks")
                return match.group(0)
            return PLUGINFILE + self._key(reference, data, number)

        return PLUGINFILE_REFERENCE.sub(replace, text)

    def _key(self, reference: str, data: bytes, number: int) -> str:
        # Moodle scopes a file name to one text, so two questions may each embed a different
        # "image.png": the second one is renamed (and its text rewritten) rather than overwritten.
        key, counter = reference, 1
        while self.attachments.get(key, data) != data:
            key = f"q{number}-{reference}" if counter == 1 else f"q{number}-{counter}-{reference}"
            counter += 1
        self.attachments[key] = data
        return key


# Export


def dump_moodle_xml(questions: Iterable[Question], *, image_files: Mapping[str, tuple[str, bytes]]) -> bytes:
    """Moodle XML for these questions (choices prefetched, subject and system selected).

    `image_files` maps each image key the text refers to (`image:KEY`) to (file name, bytes); each is
    embedded in the text that uses it. What Moodle has no field for travels in tags and in the text
    itself, where a Moodle user sees it: the lead-in as the question's final bold paragraph, the
    objective as the feedback's final "Educational objective:" paragraph; parse_moodle_xml reads
    every field back exactly.
    """
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', "<quiz>"]
    current = None
    for question in questions:
        category = category_path("$course$", "top", question.subject.name, question.system.name)
        if category != current:
            lines += [
                '  <question type="category">',
                f"    <category><text>{_escape(category)}</text></category>",
                "  </question>",
            ]
            current = category
        lines += _question_lines(question, image_files)
    lines.append("</quiz>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _question_lines(question: Question, image_files: Mapping[str, tuple[str, bytes]]) -> list[str]:
    feedback = question.explanation
    if question.educational_objective:
        feedback += f"\n\n**Educational objective:** {question.educational_objective}"
    tags = [
        f"subject:{question.subject.name}",
        f"system:{question.system.name}",
        f"difficulty:{question.difficulty}",
        f"status:{question.status}",
    ]
    name = f"{question.external_id}: {short_title(plain_text(question.stem), 70)}"
    lines = [
        '  <question type="multichoice">',
        f"    <name><text>{_escape(name)}</text></name>",
        *_text_element("questiontext", "markdown", f"{question.stem}\n\n**{question.lead_in}**", image_files),
        *_text_element("generalfeedback", "markdown", feedback, image_files),
        "    <defaultgrade>1</defaultgrade>",
        "    <penalty>0</penalty>",
        "    <hidden>0</hidden>",
        f"    <idnumber>{_escape(question.external_id)}</idnumber>",
        "    <single>true</single>",
        # The explanation names choices by letter, so their order must stay as written.
        "    <shuffleanswers>false</shuffleanswers>",
        "    <answernumbering>ABCD</answernumbering>",
        "    <showstandardinstruction>0</showstandardinstruction>",
    ]
    for choice in question.choices.all():
        text_format = "markdown" if "image:" in choice.text else "plain_text"
        text, files = _with_files(choice.text, image_files)
        lines += [
            f'    <answer fraction="{100 if choice.is_correct else 0}" format="{text_format}">',
            f"      <text>{_escape(text)}</text>",
            *files,
            '      <feedback format="html"><text></text></feedback>',
            "    </answer>",
        ]
    lines += ["    <tags>", *(f"      <tag><text>{_escape(tag)}</text></tag>" for tag in tags), "    </tags>"]
    lines.append("  </question>")
    return lines


def _text_element(name: str, text_format: str, text: str, image_files: Mapping[str, tuple[str, bytes]]):
    text, files = _with_files(text, image_files)
    return [
        f'    <{name} format="{text_format}">',
        f"      <text>{_escape(text)}</text>",
        *files,
        f"    </{name}>",
    ]


_IMAGE_KEY = re.compile(r"image:([0-9A-Za-z_-]+)")


def _with_files(text: str, image_files: Mapping[str, tuple[str, bytes]]) -> tuple[str, list[str]]:
    """The text with each `image:KEY` pointing at a file embedded beside it, and those files' lines."""
    used: dict[str, bytes] = {}

    def replace(match: re.Match) -> str:
        if match.group(1) not in image_files:
            return match.group(0)  # a broken reference stays visible as it is
        filename, data = image_files[match.group(1)]
        if used.get(filename, data) != data:
            filename = f"{match.group(1)}-{filename}"  # two images named alike in one text
        used[filename] = data
        return PLUGINFILE + quote(filename, safe="")

    text = _IMAGE_KEY.sub(replace, text)
    files = [
        f'      <file name="{_escape(filename, quote_marks=True)}" path="/" encoding="base64">'
        f"{base64.b64encode(data).decode('ascii')}</file>"
        for filename, data in used.items()
    ]
    return text, files


# XML 1.0 cannot hold these control characters at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _escape(text: str, *, quote_marks: bool = False) -> str:
    text = _NOT_XML.sub("", text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("\r", "&#13;")  # a bare CR would come back as LF
    return text.replace('"', "&quot;") if quote_marks else text
