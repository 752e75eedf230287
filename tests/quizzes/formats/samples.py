"""The sample files (tests/quizzes/formats/files/) and the bank they are read against."""

from pathlib import Path

from quizzes.formats import ImportOptions

FILES = Path(__file__).parent / "files"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# What the caller reads from the database before parsing: the names the bank already has.
KNOWN = ImportOptions(
    known_subjects=("Pharmacology", "Pathology", "Physiology", "Microbiology", "Biochemistry"),
    known_systems=("Cardiovascular", "Renal", "Hematology/Oncology", "Nervous", "Respiratory"),
)


def read(name: str) -> bytes:
    return (FILES / name).read_bytes()


def options(**changes) -> ImportOptions:
    from dataclasses import replace

    return replace(KNOWN, **changes)
