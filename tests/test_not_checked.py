"""What was not read is never a pass: drafts (or parts of drafts) in a language the rules cannot read
are "not checked" in every output, language is told per section from the text itself, baselines mark
known findings instead of hiding them, reports name submissions, and evidence is bounded."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from cli import main
from policy_engine.evaluation.checker import Checker
from policy_engine.reading.documents import parse_document
from policy_engine.reading.language import identify
from tests.test_reports_formats import sarif_schema

PORTUGUESE = """# Programa de apoio a migrantes

Organização: Cruz Vermelha Portuguesa

## Elegibilidade
A assistência é reservada às pessoas com autorização de residência válida.

## Dados
As listas de beneficiários serão enviadas todas as semanas à polícia de imigração.
"""

ITALIAN = """# Sostegno ai migranti in transito

Organizzazione: Croce Rossa Italiana, comitato locale

## Criteri di accesso
L'assistenza è riservata alle persone con permesso di soggiorno valido e con un documento d'identità.

## Dati
Gli elenchi dei beneficiari saranno trasmessi ogni settimana alla questura e all'ufficio immigrazione.
"""

GERMAN = """# Hilfsprogramm für Migranten

Organisation: Deutsches Rotes Kreuz, Kreisverband

## Teilnahme
Die Hilfe steht nur Personen mit gültiger Aufenthaltserlaubnis zur Verfügung.
Die Listen der Begünstigten werden wöchentlich an die Ausländerbehörde und die Polizei weitergegeben.
"""

ENGLISH_VIOLATIONS = """## Eligibility
Assistance is reserved for people holding a valid residence permit. Applicants need a passport or national ID.

## Data
Beneficiary lists will be shared every week with the immigration police.
"""

PORTUGUESE_ANNEX = """
## Anexo
A assistência é prestada pelas equipas locais em coordenação com as autoridades municipais, com base nos
acordos existentes e nas orientações da sede nacional.
"""

SPANISH_FILLER = """
Este programa se desarrolla en colaboración con las autoridades locales y con las organizaciones de la
sociedad civil, que aportan su experiencia y sus redes en los barrios donde viven las familias migrantes.
"""

CODES_ANNEX = """
## Annex: codes
AB-12 CD-34 EF-56 GH-78 IJ-90 KL-11 MN-22 OP-33 QR-44 ST-55 UV-66 WX-77 YZ-88 AA-99 BB-10 CC-20
"""

UNREADABLE = {"pt.md": PORTUGUESE, "it.md": ITALIAN, "de.md": GERMAN}


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker.from_directory()


def run(*args: str) -> "CliRunner.invoke":
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture()
def drafts(tmp_path: Path) -> Path:
    for name, text in UNREADABLE.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "en.md").write_text("# Support to migrants\n\n" + ENGLISH_VIOLATIONS, encoding="utf-8")
    return tmp_path


# ---- language, from the text itself ---------------------------------------------------------------

@pytest.mark.parametrize("text,code", [
    ("A assistência é reservada às pessoas com autorização de residência válida.", "pt"),
    ("L'assistenza è riservata alle persone con permesso di soggiorno valido.", "it"),
    ("Die Hilfe steht nur Personen mit gültiger Aufenthaltserlaubnis zur Verfügung.", "de"),
    ("Only registered asylum seekers can access the shelter run by the branch.", "en"),
    ("Les personnes sans papiers ne sont pas acceptées dans le centre d'accueil.", "fr"),
    ("El servicio es solo para personas con documentos de identidad vigentes.", "es"),
    ("الخدمة متاحة فقط للأشخاص الذين يحملون تصريح إقامة ساري المفعول", "ar"),
])
def test_a_single_sentence_is_told_by_its_language(text: str, code: str) -> None:
    assert identify(text) == code


def test_too_little_text_is_not_guessed() -> None:
    assert identify("Budget: CHF 250,000") is None
    assert identify("Needs assessment") is None


@pytest.mark.parametrize("name", sorted(UNREADABLE))
def test_a_draft_in_a_language_the_rules_cannot_read_is_not_checked(checker: Checker, name: str) -> None:
    result = checker.check(parse_document(UNREADABLE[name], name, ".md"))
    assert result.status == "not_checked"
    assert result.findings == []  # nothing read with another language's words, and no "missing" findings
    assert result.unread and result.unread[0].language == name[:2]


def test_a_short_portuguese_draft_is_not_read_as_english(checker: Checker) -> None:
    text = "A assistência é reservada às pessoas com autorização de residência válida."
    result = checker.check(parse_document(text, "short.txt", ".txt"))
    assert result.status == "not_checked"


def test_an_english_draft_is_checked(checker: Checker) -> None:
    result = checker.check(parse_document(ENGLISH_VIOLATIONS, "en.md", ".md"))
    assert result.status == "ok" and not result.unread
    assert {"eligibility-documents", "data-shared-with-enforcement"} <= {f.rule for f in result.findings}


def test_a_declared_language_the_text_contradicts_does_not_stop_the_reading(checker: Checker) -> None:
    result = checker.check(parse_document("---\nlanguage: de\n---\n" + ENGLISH_VIOLATIONS, "d.md", ".md"))
    assert result.status == "ok"
    assert {"eligibility-documents", "data-shared-with-enforcement"} <= {f.rule for f in result.findings}


@pytest.mark.parametrize("extra", [SPANISH_FILLER, SPANISH_FILLER * 4, CODES_ANNEX],
                         ids=["filler", "long-filler", "codes"])
def test_filler_in_another_language_or_codes_do_not_hide_the_english(checker: Checker, extra: str) -> None:
    result = checker.check(parse_document(ENGLISH_VIOLATIONS + extra, "f.md", ".md"))
    assert result.status == "ok"
    assert {"eligibility-documents", "data-shared-with-enforcement"} <= {f.rule for f in result.findings}


def test_a_part_in_another_language_is_named_and_the_rest_is_read(checker: Checker) -> None:
    text = "# Support to migrants\n\n" + ENGLISH_VIOLATIONS + PORTUGUESE_ANNEX
    result = checker.check(parse_document(text, "mixed.md", ".md"))
    assert result.status == "partly_checked"
    assert {"eligibility-documents", "data-shared-with-enforcement"} <= {f.rule for f in result.findings}
    [part] = result.unread
    assert part.language == "pt" and part.sections == ("Anexo",)
    assert part.describe() == f'section "Anexo" (line {part.first_line}, Portuguese)'


@pytest.mark.parametrize("title,section", [
    ("Winter shelter for people in transit", "Activities"),
    ("Albergue de invierno para personas en tránsito", "Actividades"),
    ("Abri d'hiver pour les personnes en transit", "Activités"),
])
def test_a_title_too_short_to_tell_takes_the_language_of_the_text_under_it(checker: Checker, title: str,
                                                                          section: str) -> None:
    # a Portuguese section that outweighs the rest must not make the short title Portuguese
    body = {"Activities": "The branch opens a night shelter from November to March, with hot meals and first aid "
                          "for everyone who comes, whatever their papers.",
            "Actividades": "La filial abre un albergue nocturno de noviembre a marzo, con comidas calientes y "
                           "primeros auxilios para todas las personas que llegan, sin pedir papeles.",
            "Activités": "La branche ouvre un abri de nuit de novembre à mars, avec des repas chauds et les premiers "
                         "secours pour toutes les personnes qui viennent, sans demander de papiers."}[section]
    text = f"# {title}\n\n## {section}\n\n{body}\n" + PORTUGUESE_ANNEX + PORTUGUESE_ANNEX.replace("Anexo", "Dados")
    result = checker.check(parse_document(text, "mixed.md", ".md"))
    assert [part.sections for part in result.unread] == [("Anexo", "Dados")]


def test_unread_parts_never_let_a_rule_conclude_the_draft_is_silent(checker: Checker) -> None:
    english = "# Support\n\nThe branch gives hot meals and blankets to people sleeping rough near the station.\n"
    whole = checker.check(parse_document(english, "a.md", ".md"))
    partial = checker.check(parse_document(english + PORTUGUESE_ANNEX, "b.md", ".md"))
    missing = {f.rule for f in whole.findings if any(e.quote is None for e in f.evidence)}
    assert missing  # the English-only draft says nothing of a needs assessment, ...
    assert not missing & {f.rule for f in partial.findings}  # ... but the annex might


# ---- every output says "not checked" --------------------------------------------------------------

def test_check_fails_for_a_draft_it_could_not_read_unless_accepted(drafts: Path) -> None:
    for name in UNREADABLE:
        assert run("check", str(drafts / name)).exit_code == 1
        assert run("check", str(drafts / name), "--accept-not-checked").exit_code == 0
        assert run("check", str(drafts / name), "--fail-on", "never").exit_code == 0


def test_text_and_line_formats_say_not_checked(drafts: Path) -> None:
    text = run("check", str(drafts / "pt.md")).stdout
    assert "NOT CHECKED" in text and "Portuguese" in text and "no findings" not in text
    assert "(1 not checked)" in text
    line = run("check", str(drafts / "pt.md"), "--format", "line").stdout
    assert re.search(r"pt\.md:\d+:1: \[not checked\] .*Portuguese", line)


def test_line_format_keeps_notes(tmp_path: Path) -> None:
    draft = tmp_path / "w.yaml"
    draft.write_text("title: T\norganisation: O\nsummary: Hot meals.\nunknown_field: 1\n", encoding="utf-8")
    line = run("check", str(draft), "--format", "line").stdout
    assert "[note]" in line and "unknown_field" in line


def test_json_has_a_status_scripts_can_rely_on(drafts: Path) -> None:
    report = json.loads(run("check", *(str(drafts / n) for n in ("pt.md", "en.md")), "--format", "json").stdout)
    by_path = {Path(d["path"]).name: d for d in report["documents"]}
    assert by_path["pt.md"]["status"] == "not_checked"
    assert by_path["pt.md"]["not_checked"][0]["language"] == "pt"
    assert by_path["en.md"]["status"] == "ok" and by_path["en.md"]["not_checked"] == []
    assert report["summary"]["not_checked"] == 1


def test_audit_outputs_never_pass_an_unread_draft(drafts: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    result = run("audit", str(drafts), "-o", f"matrix:{out / 'm.csv'}", "-o", str(out / "r.html"),
                 "-o", str(out / "r.sarif"), "-o", str(out / "r.xml"), "-o", str(out / "f.csv"))
    assert result.exit_code == 1
    rows = {Path(r["path"]).name: r for r in csv.DictReader(io.StringIO(
        (out / "m.csv").read_text(encoding="utf-8-sig")))}
    for name in UNREADABLE:
        row = rows[name]
        assert row["status"] == "not_checked" and row["score"] == ""
        cells = [row[f"P{n}"] for n in range(1, 11)] + [row[f"P{n} score"] for n in range(1, 11)]
        assert "pass" not in cells and "100" not in cells
    assert rows["en.md"]["status"] == "ok"
    findings = (out / "f.csv").read_text(encoding="utf-8-sig")
    assert findings.count("not checked") >= 3
    sarif = json.loads((out / "r.sarif").read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(sarif_schema(), format_checker=jsonschema.FormatChecker())
    assert [e.message for e in validator.iter_errors(sarif)] == []
    notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert sum(1 for n in notes if n["descriptor"]["id"] == "not-checked") == 3
    junit = (out / "r.xml").read_text(encoding="utf-8")
    assert junit.count('type="not-checked"') == 3
    page = (out / "r.html").read_text(encoding="utf-8")
    assert page.count('"status":"not_checked"') == 3


# ---- baselines mark, they do not hide -------------------------------------------------------------

def test_a_baseline_marks_known_findings_in_every_format(drafts: Path, tmp_path: Path) -> None:
    english = str(drafts / "en.md")
    first = run("check", english, "--format", "json")
    (tmp_path / "b.json").write_text(first.stdout, encoding="utf-8")
    again = run("check", english, "--format", "json", "--baseline", str(tmp_path / "b.json"))
    assert again.exit_code == 0  # nothing new
    report = json.loads(again.stdout)
    findings = report["documents"][0]["findings"]
    assert findings and all(f["baseline"] == "known" for f in findings)
    assert report["summary"]["known"] == len(findings) and report["summary"]["violation"] == 0
    assert "[known]" in run("check", english, "--baseline", str(tmp_path / "b.json")).stdout
    assert "[known violation]" in run("check", english, "--format", "line", "--baseline",
                                      str(tmp_path / "b.json")).stdout
    out = tmp_path / "out"
    out.mkdir()
    run("audit", english, "--baseline", str(tmp_path / "b.json"), "-o", f"matrix:{out / 'm.csv'}",
        "-o", str(out / "r.sarif"), "-o", str(out / "f.csv"), "-o", str(out / "r.xml"), "-o", str(out / "r.html"))
    assert '"baseline":"known"' in (out / "r.html").read_text(encoding="utf-8")
    validator = jsonschema.Draft4Validator(sarif_schema(), format_checker=jsonschema.FormatChecker())
    assert [e.message for e in validator.iter_errors(json.loads((out / "r.sarif").read_text("utf-8")))] == []
    [row] = csv.DictReader(io.StringIO((out / "m.csv").read_text(encoding="utf-8-sig")))
    assert row["P1"] == "fail" and row["score"] != "100"  # known problems still count
    results = json.loads((out / "r.sarif").read_text(encoding="utf-8"))["runs"][0]["results"]
    assert {r["baselineState"] for r in results} == {"unchanged"}
    assert "known" in (out / "f.csv").read_text(encoding="utf-8-sig")
    assert "<failure" not in (out / "r.xml").read_text(encoding="utf-8")
    assert "known from the baseline" in (out / "r.xml").read_text(encoding="utf-8")


# ---- names and bounded evidence -------------------------------------------------------------------

@pytest.mark.parametrize("text,suffix,title,organisation", [
    ("# Food for families in transit\n\nOrganisation: Cruz Roja Mexicana\n\n## Context\nText here.\n", ".md",
     "Food for families in transit", "Cruz Roja Mexicana"),
    ("Appui aux familles migrantes\nCroix-Rouge burkinabè, comité de Dori\n\nContexte\nDu texte.\n", ".txt",
     "Appui aux familles migrantes", "Croix-Rouge burkinabè, comité de Dori"),
    ("**Sociedad Nacional:** Cruz Roja Ecuatoriana\n\n# Apoyo humanitario\n", ".md",
     "Apoyo humanitario", "Cruz Roja Ecuatoriana"),
    ("---\ntitle: From the field\norganisation: A branch\n---\n# Another heading\nOrganisation: Not this\n", ".md",
     "From the field", "A branch"),
])
def test_reports_name_submissions_from_their_prose(checker: Checker, text: str, suffix: str, title: str,
                                                   organisation: str) -> None:
    result = checker.check(parse_document(text, "draft" + suffix, suffix))
    assert (result.title, result.organisation) == (title, organisation)


def test_evidence_is_bounded_and_counts_the_rest(checker: Checker) -> None:
    lines = "\n".join(f"{n}. Applicants from district {n} need a passport or national ID." for n in range(1, 31))
    result = checker.check(parse_document("## Eligibility\n" + lines + "\n", "many.md", ".md"))
    [finding] = [f for f in result.findings if f.rule == "eligibility-documents"]
    assert len(finding.evidence) == 6
    assert finding.evidence[-1].quote == "and 25 more place(s) like these"


def test_spanish_looking_words_inside_italian_are_not_read_as_spanish() -> None:
    text = ("Riduzione del 25% degli arrivi a Lampedusa di imbarcazioni partite da Sfax rispetto al 2023 "
            "(fonte: cruscotto statistico giornaliero del Ministero dell'Interno).")
    assert identify(text, "it") == "it"
    assert identify(text) == "it"


def test_drafts_plainly_in_a_language_the_rules_read_never_load_the_identifier(monkeypatch) -> None:
    """The identifier's model takes half a second to load: function words settle the bundled cases
    (English with 'door', 'van' or São Paulo in it included), so a plain check never pays for it."""
    from policy_engine.reading import language
    from policy_engine.reading.documents import load_document
    from policy_engine.authoring.expectations import case_files
    from tests.conftest import ROOT

    def refuse(text: str) -> tuple[str, float]:
        raise AssertionError(f"the identifier was asked about {text[:60]!r}")

    monkeypatch.setattr(language, "_model_identify", refuse)
    for path in case_files(ROOT / "cases"):
        load_document(path)
    english = ("The van from São Paulo stops at the door of the shelter every evening, and the volunteers "
               "of the branch hand out hot meals to the families who are waiting there.")
    assert identify(english) == "en"


def test_a_declared_language_without_one_of_its_words_is_not_believed(checker: Checker) -> None:
    text = "---\nlanguage: en\n---\nA assistência é reservada às pessoas com autorização de residência válida.\n"
    assert checker.check(parse_document(text, "pt-declared-en.md", ".md")).status == "not_checked"
    short_english = "---\nlanguage: en\n---\n# Shelter\nBeds: 40. Showers, meals, phone charging.\n"
    assert checker.check(parse_document(short_english, "terse.md", ".md")).status == "ok"
