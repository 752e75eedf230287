"""Where an imported question's subject and system come from.

Formats other than ours have no subject or system field, so the names are looked for in what the
file does have (category paths, tags), matched case-insensitively against the names the bank
already holds. An explicit `subject:Name` tag or a CSV column is taken as written and may name a new
one. When the file says nothing usable the import's default is used, and the mapping line says so;
with no default the question is a problem: a subject is never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Moodle writes a "/" inside a category name as "//" ("Hematology//Oncology"): only a single slash
# separates the segments of a path.
_PATH_SEPARATOR = re.compile(r"(?<!/)/(?!/)")
# The parts of a Moodle path that name a context, not a topic.
_CONTEXT_SEGMENTS = {"$course$", "$system$", "$module$", "$cat1$", "$cat2$", "$cat3$", "top", "default"}


@dataclass(frozen=True)
class TaxonomyHints:
    explicit_subject: str = ""  # a subject:Name tag or the CSV column: used as written
    explicit_system: str = ""
    explicit_source: str = "tag"
    place: str = ""  # for messages: 'category "$course$/top/Week 2"'
    names: tuple[tuple[str, str], ...] = ()  # (name, where it came from): category segments, plain tags


def category_segments(path: str) -> list[str]:
    segments = [segment.replace("//", "/").strip() for segment in _PATH_SEPARATOR.split(path)]
    return [segment for segment in segments if segment and segment.lower() not in _CONTEXT_SEGMENTS]


def category_path(*segments: str) -> str:
    """The Moodle path for these category names (a "/" inside a name doubled)."""
    return "/".join(segment.replace("/", "//") for segment in segments)


def hints_from(*, category: str, tags: list[str]) -> TaxonomyHints:
    """What a Moodle or GIFT question says: `subject:`/`system:` tags, other tags and its category."""
    explicit = {"subject": "", "system": ""}
    names: list[tuple[str, str]] = [(segment, "category") for segment in category_segments(category)]
    plain_tags = []
    for tag in tags:
        key, _, value = tag.partition(":")
        if key.strip().lower() in explicit and value.strip():
            explicit[key.strip().lower()] = value.strip()
        elif not _is_setting_tag(tag):
            names.append((tag.strip(), "tag"))
            plain_tags.append(tag.strip())
    places = []
    if category.strip():
        places.append(f'category "{category.strip()}"')
    if plain_tags:
        places.append("tags " + ", ".join(f'"{tag}"' for tag in plain_tags))
    return TaxonomyHints(
        explicit_subject=explicit["subject"],
        explicit_system=explicit["system"],
        place=" and ".join(places),
        names=tuple(names),
    )


def _is_setting_tag(tag: str) -> bool:
    return tag.partition(":")[0].strip().lower() in {"difficulty", "status"}


def taxonomy_resolve(
    kind: str, hints: TaxonomyHints, known: tuple[str, ...], default: str, problems: list[str]
) -> tuple[str, str]:
    """(name, where it came from); on failure ("", "") and one line appended to problems."""
    by_folded = {name.casefold(): name for name in known}
    explicit = hints.explicit_subject if kind == "subject" else hints.explicit_system
    if explicit:
        if explicit.casefold() in by_folded:
            return by_folded[explicit.casefold()], hints.explicit_source
        return explicit, f"{hints.explicit_source}, new {kind}"
    found: dict[str, str] = {}
    for name, source in hints.names:
        canonical = by_folded.get(name.casefold())
        if canonical:
            found.setdefault(canonical, source)
    if len(found) == 1:
        [(name, source)] = found.items()
        return name, source
    if len(found) > 1:
        named = " and ".join(found)
        problems.append(
            f"more than one {kind}: {hints.place} names {named}; tag the question {kind}:Name to choose"
        )
        return "", ""
    if default.strip():
        return by_folded.get(default.strip().casefold(), default.strip()), "default"
    if hints.place:
        problems.append(f"no {kind}: {hints.place} names none of the known {kind}s; choose a default {kind}")
    else:
        problems.append(f"no {kind}: the file gives none; choose a default {kind}")
    return "", ""


def tag_settings(tags: list[str], problems: list[str]) -> tuple[int | None, str | None]:
    """(difficulty, status) from `difficulty:N` and `status:draft|published` tags (our export writes them)."""
    difficulty: int | None = None
    status: str | None = None
    for tag in tags:
        key, _, value = (part.strip() for part in tag.partition(":"))
        key = key.lower()
        if key == "difficulty":
            if value.isdigit() and 1 <= int(value) <= 5:
                difficulty = int(value)
            else:
                problems.append(f'the tag "{tag}" must give a difficulty from 1 to 5')
        elif key == "status":
            if value.lower() in ("draft", "published"):
                status = value.lower()
            else:
                problems.append(f'the tag "{tag}" must be status:draft or status:published')
    return difficulty, status
