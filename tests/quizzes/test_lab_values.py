"""The lab-value sheet: plain data and its search, no database."""

import pytest

from quizzes.lab_values import SECTIONS, LabSection, LabValue, search

REQUIRED_SLUGS = {"serum", "hematology", "coagulation", "csf", "urine", "blood-gases", "hormones", "lipids"}


def _section(slug: str) -> LabSection:
    return next(section for section in SECTIONS if section.slug == slug)


def test_every_required_section_is_there():
    slugs = [section.slug for section in SECTIONS]
    assert set(slugs) >= REQUIRED_SLUGS
    assert len(slugs) == len(set(slugs)), "section slugs are used as ids, so they must be unique"


def test_every_section_has_a_title_and_values():
    for section in SECTIONS:
        assert isinstance(section, LabSection)
        assert section.title.strip()
        assert section.values, section.slug


def test_every_value_has_both_units():
    for section in SECTIONS:
        for value in section.values:
            assert isinstance(value, LabValue)
            assert value.name.strip(), section.slug
            assert value.conventional.strip(), value.name
            assert value.si.strip(), value.name


def test_names_are_unique_within_a_section():
    # A test given for each sex or phase appears once per note ("male", "female"...):
    # the name together with its note is what tells two rows apart.
    for section in SECTIONS:
        keys = [(value.name, value.note) for value in section.values]
        duplicates = {key for key in keys if keys.count(key) > 1}
        assert not duplicates, f"{section.slug}: {duplicates}"


def test_no_html_in_the_data():
    for section in SECTIONS:
        for value in section.values:
            for text in (value.name, value.note):
                assert "<" not in text and "&" not in text, text


def test_at_least_120_values():
    assert sum(len(section.values) for section in SECTIONS) >= 120


def test_sex_specific_hemoglobin():
    notes = {value.note for value in _section("hematology").values if value.name.startswith("Hemoglobin")}
    assert {"male", "female"} <= notes


def test_search_sodium_finds_serum_and_urine_sodium():
    found = {section.slug: section for section in search("sodium")}
    assert {"serum", "urine"} <= set(found)
    for slug in ("serum", "urine"):
        assert any(value.name.startswith("Sodium") for value in found[slug].values), slug


@pytest.mark.parametrize("query", ["csf", "cerebrospinal"])
def test_search_finds_the_csf_section(query):
    found = {section.slug: section for section in search(query)}
    assert "csf" in found
    # A query that matches the section's title keeps all of its rows.
    assert found["csf"].values == _section("csf").values


def test_search_ignores_case():
    assert search("SODIUM") == search("sodium") == search("SoDiUm")
    assert search("CSF") == search("csf")


def test_search_reads_subscripts_as_plain_characters():
    found = {section.slug: section for section in search("hco3")}
    assert any("HCO" in value.name for value in found["serum"].values)
    found = {section.slug: section for section in search("paco2")}
    assert "blood-gases" in found


def test_search_with_several_words_needs_all_of_them():
    found = search("urine sodium")
    assert [section.slug for section in found] == ["urine"]
    assert any(value.name.startswith("Sodium") for value in found[0].values)


def test_search_drops_empty_sections():
    for section in search("ferritin"):
        assert section.values
    assert [section.slug for section in search("ferritin")] == ["serum"]


def test_unknown_query_returns_nothing():
    assert search("no such lab value xyzzy") == ()


def test_empty_query_keeps_everything():
    assert search("") == SECTIONS
    assert search("   ") == SECTIONS
