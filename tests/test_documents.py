"""Reading programme descriptions: one model for YAML, JSON and Markdown, and located errors."""

from __future__ import annotations

import json

import pytest

from policy_engine.reading.documents import load_document
from policy_engine.errors import InputError
from tests.conftest import write

YAML = """id: p1
title: Health post
eligibility:
  criteria:
    - Open to all.
partners:
  - name: Clinic
    type: ngo
"""


def test_yaml_json_and_markdown_give_the_same_fields(tmp_path) -> None:
    y = load_document(write(tmp_path, "a.yaml", YAML))
    j = load_document(write(tmp_path, "a.json", json.dumps(y.data, indent=1)))
    m = load_document(write(tmp_path, "a.md", "---\n" + YAML + "---\n# Background\nText.\n"))
    assert y.data == j.data == m.data
    assert y.lines["partners[0].type"] == 8
    assert m.lines["partners[0].type"] == 9  # front matter starts on line 2
    assert j.lines["partners[0].type"] > 1


def test_markdown_sections_are_recognised_by_heading(tmp_path) -> None:
    doc = load_document(write(tmp_path, "a.md", "---\nid: x\n---\n# 1. Background\nOne. Two.\n\n"
                                                 "## Eligibility criteria\nA residence card is required.\n"
                                                 "## Something else\nMore text.\n"))
    assert [(h, t) for h, t, _ in doc.sections] == [("1. Background", "background"),
                                                     ("Eligibility criteria", "eligibility"),
                                                     ("Something else", "other")]
    unit = next(u for u in doc.units if "residence" in u.text)
    assert unit.scopes == ("eligibility",) and unit.line == 8 and unit.field == 'section "Eligibility criteria"'


def test_sentences_keep_their_own_line(tmp_path) -> None:
    doc = load_document(write(tmp_path, "a.md", "# Activities\nFirst sentence here.\n"
                                                 "Second one on line three. Third.\n"))
    assert [(u.line, u.text) for u in doc.units] == [(2, "First sentence here."),
                                                     (3, "Second one on line three."), (3, "Third.")]


@pytest.mark.parametrize("name,text,message,line", [
    ("bad.yaml", "id: x\nphases: [origin\n", "YAML syntax error", 3),
    ("type.yaml", "id: x\nneeds_assessment:\n  done: yes please\n", "field 'needs_assessment.done': expected boolean", 3),
    ("dup.yaml", "id: x\ntitle: a\ntitle: b\n", "duplicate key 'title'", 3),
    ("list.yaml", "- a\n- b\n", "expected a mapping of fields", 1),
    ("tag.yaml", "id: !!python/object:os.system x\n", "unsupported YAML value", 1),
    ("bad.json", '{"id": "x",\n "title": }', "JSON syntax error", 2),
    ("open.md", "---\nid: x\n# no closing line\n", "never closed", 1),
    ("empty.yaml", "  \n", "file is empty", None),
])
def test_bad_input_is_one_located_error(tmp_path, name, text, message, line) -> None:
    with pytest.raises(InputError) as info:
        load_document(write(tmp_path, name, text))
    assert message in info.value.message
    assert info.value.line == line
    assert str(info.value).startswith(str(tmp_path / name))


def test_unknown_field_is_a_warning_not_an_error(tmp_path) -> None:
    doc = load_document(write(tmp_path, "a.yaml", "id: x\nbudjet: 10\npartners:\n  - nme: A\n"))
    assert doc.warnings == (f"{tmp_path / 'a.yaml'}:2: unknown field 'budjet' is ignored",
                            f"{tmp_path / 'a.yaml'}:4: unknown field 'partners[0].nme' is ignored; did you mean 'name'?")


def test_not_utf8_and_unsupported_type(tmp_path) -> None:
    bad = tmp_path / "latin.yaml"
    bad.write_bytes("id: café\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        load_document(bad)
    with pytest.raises(InputError, match="unsupported file type"):
        load_document(write(tmp_path, "a.pdf", "x"))


def test_a_sentence_ends_before_the_marks_that_close_after_its_full_stop(tmp_path) -> None:
    # "**No return targets.** Monitoring measures ...": the bold lead-in is a sentence of its own, so its
    # negation does not reach the next one; the same after a closing quote or bracket
    text = ('## Monitoring\n\n4. **No return targets.** Monitoring measures the quality of support. '
            'They said "no lists." Then (see annex.) Registration follows.\n')
    units = load_document(write(tmp_path, "d.md", text)).units
    assert [u.text for u in units] == ["4. **No return targets.**", "Monitoring measures the quality of support.",
                                       'They said "no lists."', "Then (see annex.)", "Registration follows."]


def test_a_markdown_table_header_is_read_in_its_rows_not_on_its_own(tmp_path) -> None:
    # "Service | Document asked" names columns: read as a statement it would say a document is asked
    text = ("## Who is helped\n\n| Service | Document asked | Shared with the authorities |\n|---|---|---|\n"
            "| First aid | No | No |\n| Meals | No | No |\n")
    units = load_document(write(tmp_path, "t.md", text)).units
    assert [(u.line, u.text) for u in units if u.line != 1] == [
        (5, "Service: First aid | Document asked: No | Shared with the authorities: No"),
        (6, "Service: Meals | Document asked: No | Shared with the authorities: No")]


@pytest.mark.parametrize("name", ["minutes.txt", "minutes.md"])
def test_a_table_without_outer_pipes_is_read_row_by_row_under_its_header(tmp_path, name) -> None:
    # minutes written as "Theme | Agreed? | Who": each row one statement, the first row naming the columns
    text = ("## Agreements\n\nTheme | Agreed? | Who\nWeekly totals, no names | Yes | Red Cross\n"
            "Daily list with names | No | -\n\nThe meeting closed at noon.\n")
    units = load_document(write(tmp_path, name, text)).units
    assert [(u.line, u.text) for u in units if u.line != 1] == [
        (4, "Theme: Weekly totals, no names | Agreed?: Yes | Who: Red Cross"),
        (5, "Theme: Daily list with names | Agreed?: No | Who: -"),
        (7, "The meeting closed at noon.")]


def test_a_line_with_one_pipe_alone_is_not_a_table(tmp_path) -> None:
    text = "## Activities\n\nFirst aid | water at the crossing.\n\nMeals every evening.\n"
    units = load_document(write(tmp_path, "d.txt", text)).units
    assert [u.text for u in units if u.line != 1] == ["First aid | water at the crossing.", "Meals every evening."]


@pytest.mark.parametrize("marker", ["a)", "b.", "2)"])
def test_a_lettered_or_numbered_item_on_a_new_line_is_its_own_sentence(tmp_path, marker) -> None:
    # "a) ... b) ..." lines are a list even without a blank line: one item's words never join the next's
    text = (f"## Activities\n\n{marker} Reception at the crossing point: water, first aid, orientation to\n"
            "   the health post.\nc) Tracing: free calls, registration of requests in groups.\n")
    units = load_document(write(tmp_path, "d.md", text)).units
    assert [(u.line, u.text.split()[0]) for u in units] == [(3, marker), (5, "c)")]
    # a sentence that wraps onto a line starting with a small word stays one sentence
    wrapped = "## Activities\n\nVolunteers give water and\na first-aid kit to each family.\n"
    assert len(load_document(write(tmp_path, "w.md", wrapped)).units) == 1


@pytest.mark.parametrize("name", ["letter.txt", "letter.md"])
def test_a_line_that_opens_on_a_label_and_a_colon_is_its_own_sentence(tmp_path, name) -> None:
    # a letter's header lines are fields, not one sentence: "Relief Division" in the To: line and
    # "the District Police" in the Subject: line are not one statement about relief and the police
    text = ("From: Head of Operations, North Coast Branch\nTo: Headquarters, Relief Division\nDate: 14 October 2024\n"
            "Subject: Joint information operation with the District Police\n\nDear colleagues,\n")
    units = load_document(write(tmp_path, name, text)).units
    assert [(u.line, u.text.split(":")[0]) for u in units if ":" in u.text] == \
        [(1, "From"), (2, "To"), (3, "Date"), (4, "Subject")]


def test_a_value_outside_a_fields_list_is_named_and_the_draft_partly_checked(tmp_path, checker) -> None:
    # a typo in a partner's type is not read as any type: the note says what it may have meant, and the draft is
    # partly checked (never a clean pass), while everything else in it is still checked
    path = tmp_path / "enum.yaml"
    path.write_text("id: x\nlanguage: en\npartners:\n  - type: border_authorty\n    name: Border Police\n"
                    "summary: Food parcels go only to people who show a residence permit.\n", encoding="utf-8")
    result = checker.check_path(path)
    assert result.error is None
    assert result.status == "partly_checked"
    assert any("'border_authorty' is not an allowed value of 'partners[0].type'" in w
               and "did you mean 'border_authority'" in w for w in result.warnings)
    assert [part.describe() for part in result.unread] == [
        'field "partners[0].type" (line 4: \'border_authorty\' is not one of its values)']
    assert "eligibility-documents" in {f.rule for f in result.findings}


def test_a_value_left_out_does_not_stop_rules_that_find_the_draft_silent(tmp_path, checker) -> None:
    # all of the prose was read, so a draft that says no needs assessment is done still gets the finding; only an
    # unread language could hide the words that say it
    path = tmp_path / "value.yaml"
    path.write_text("id: x\nlanguage: en\nneeds_assessment:\n  done: false\nactivities:\n  - type: soup_kitchen\n"
                    "    description: Food parcels for every family in the sites.\n", encoding="utf-8")
    result = checker.check_path(path)
    assert result.status == "partly_checked"
    assert "needs-assessment-missing" in {f.rule for f in result.findings}
