"""`policy-check rules suggest`: near misses that show where a concept's words fall short."""

from __future__ import annotations

import json

import pytest

from policy_engine.authoring import suggest
from tests.rulekit import invoke


@pytest.fixture()
def drafts(tmp_path):
    folder = tmp_path / "drafts"
    folder.mkdir()
    (folder / "a.md").write_text(
        "# Eligibility\n\nOnly families who show their blue camp pass can enter the food tent.\n\n"
        "A passport is required at the gate.\n\nThe clinic opens at nine.\n", encoding="utf-8")
    (folder / "b.md").write_text(
        "---\nlanguage: es\n---\n# Elegibilidad\n\nSolo las familias que muestren el pase azul del campamento "
        "pueden entrar.\n", encoding="utf-8")
    return folder


def test_a_concept_lists_sentences_with_the_rest_of_a_test_and_none_of_its_words(checker, drafts) -> None:
    found, problems = suggest.suggest(checker, "identity_document", sorted(drafts.iterdir()), 20,
                                      suggest.WordRanker())
    assert problems == []
    texts = {(s.path.rsplit("/", 1)[-1], s.line) for s in found}
    assert ("a.md", 3) in texts and ("b.md", 6) in texts
    assert ("a.md", 5) not in texts  # the concept is there ("passport"): not a miss
    assert ("a.md", 7) not in texts  # nothing of any test that reads the concept
    first = next(s for s in found if s.line == 3)
    assert first.concept == "identity_document" and "restriction" in first.has
    assert "eligibility-documents" in first.rules


def test_a_rule_looks_at_every_concept_its_prose_tests_read(checker, drafts) -> None:
    found, _ = suggest.suggest(checker, "eligibility-documents", sorted(drafts.iterdir()), 50, suggest.WordRanker())
    assert {s.concept for s in found} >= {"identity_document"}
    assert all("eligibility-documents" in s.rules for s in found)


def test_unknown_names_are_refused_with_a_hint(drafts) -> None:
    result = invoke("rules", "suggest", "identity_documnt", str(drafts))
    assert result.exit_code == 2
    assert "no such rule or concept: \"identity_documnt\"; did you mean 'identity_document'?" in result.output


def test_cli_json_is_ordered_and_stable(drafts) -> None:
    first = invoke("rules", "suggest", "identity_document", str(drafts), "--rank", "words", "--format", "json")
    second = invoke("rules", "suggest", "identity_document", str(drafts), "--rank", "words", "--format", "json")
    assert first.exit_code == 0 and first.stdout == second.stdout
    report = json.loads(first.stdout)
    assert report["ranked_by"] == "shared words" and report["files"] == 2
    scores = [s["score"] for s in report["suggestions"]]
    assert scores == sorted(scores, reverse=True)


def test_text_output_names_where_to_add_words(drafts) -> None:
    out = invoke("rules", "suggest", "identity_document", str(drafts), "--rank", "words").stdout
    assert "identity_document  An identity, travel, residence or registration document" in out
    assert "    add words at rules/concepts/access.yaml:" in out
    assert "\"Only families who show their blue camp pass can enter the food tent.\"" in out


@pytest.mark.skipif(not suggest.model_available(), reason="the optional sentence model is not installed")
def test_the_sentence_model_ranks_across_languages() -> None:
    ranker = suggest.ModelRanker()
    scores = ranker.scores(["Applicants must show a passport or a national identity card."],
                           ["Hay que presentar el pasaporte o la cédula de identidad.",
                            "El comedor abre a las doce."])
    assert scores[0] > scores[1] + 0.2
