"""The prose reader: word forms, negation, rejection, stance and the places a sentence sits.

Each test reads one sentence with the bundled concepts and languages and looks at how one concept
was said. The language rules are data (rules/languages/*.yaml); these tests pin the behaviour that
every rule relies on, so that a change to the reader shows here first.
"""

from __future__ import annotations

import pytest

from policy_engine.text.forms import word_forms
from policy_engine.evaluation.reader import hits
from policy_engine.ruleset.prose import AFFIRMED, NEGATED, REJECTED, REPORTED


@pytest.fixture(scope="module")
def read(checker):
    def reading(language: str, text: str, context: bool = False, lead: str = ""):
        compiled = checker.reader.compiled(language)[0]
        return compiled, compiled.read(text, context, lead)
    return reading


def said(read, language: str, text: str, concept: str, **kwargs) -> set[str]:
    """How a concept is said in a sentence: the polarities of its mentions (empty: not mentioned)."""
    compiled, reading = read(language, text, **kwargs)
    return {m.polarity for m in reading.matches.get(compiled.concept_ids[concept], ())}


@pytest.mark.parametrize("language,text,concept,expected", [
    # word forms: every form of a listed word counts
    ("en", "The lists were shared with the border police.", "share", {AFFIRMED}),
    ("es", "Las listas fueron compartidas con la policía.", "share", {AFFIRMED}),
    ("fr", "Les listes sont partagées avec la police.", "share", {AFFIRMED}),
    # negation reaches the end of its clause, in every language
    ("en", "No residence permit is required.", "identity_document", {NEGATED}),
    ("es", "No se pide ningún documento de identidad.", "identity_document", {NEGATED}),
    ("fr", "Aucune pièce d'identité n'est demandée.", "identity_document", {NEGATED}),
    # a negation just after the subject denies it
    ("en", "Forced returns are not part of this programme.", "forced_return", {NEGATED}),
    ("fr", "Les listes ne sont jamais transmises.", "personal_data", {NEGATED}),
    # ...but not after a full verb in English: "describe not knowing" denies what follows
    ("en", "Returnees interviewed by our branches describe not knowing where to go.", "involvement", {AFFIRMED}),
    # a negation after a conjunction that only looks like a relative pronoun denies its subject too a conjunction that only looks like a relative pronoun ("así que", "vu que")
    ("es", "El presupuesto se reasignó, así que la fase de diagnóstico no se realizará.", "needs_assessment_named",
     {NEGATED}),
    ("fr", "Le budget a été réaffecté, vu que l'évaluation des besoins ne sera pas réalisée.",
     "needs_assessment_named", {NEGATED}),
    # rejection: "unlike", "instead of", and rejecting a denial affirms it, subject and all
    ("en", "Unlike deterrence campaigns, we give neutral information.", "campaign", {REJECTED, AFFIRMED}),
    ("en", "Unlike the last phase, in which migrants were not consulted, this plan comes from focus groups.",
     "consulted", {AFFIRMED}),
    # a rejection verb in the passive rejects nothing: "their claim was rejected"
    ("en", "Families whose claim was rejected receive food parcels.", "assistance", {AFFIRMED}),
    # narrow negation reaches a few words: "without a card" does not deny the meals; and a phrase
    # that means a group ("people without papers") is that group, not a missing document
    ("en", "Meals are served without a registration card, in the shelter.", "identity_document", {NEGATED}),
    ("en", "Meals are served without a registration card, in the shelter.", "assistance", {AFFIRMED}),
    ("en", "People without papers receive hot meals.", "irregular_migrant", {AFFIRMED}),
    ("en", "People without papers receive hot meals.", "identity_document", set()),
    # ...and it ends at a comma unless a short list runs on
    ("en", "Volunteers will say that in the absence of papers, nothing is owed to them.", "no_rights", {AFFIRMED}),
    ("es", "Se explicará que a falta de papeles, no les corresponde ninguna prestación.", "no_rights", {AFFIRMED}),
    ("fr", "Les bénévoles préciseront qu'en l'absence de régularisation, aucune prestation ne leur est due.",
     "no_rights", {AFFIRMED}),
    # ...a list that closes with a conjunction ("or", "ni", "ou")...
    ("en", "Families were left at the crossing without shelter, blankets or medicine.", "assistance", {NEGATED}),
    ("es", "Las familias quedaron en el cruce sin refugio, mantas ni medicinas.", "assistance", {NEGATED}),
    ("fr", "Les familles sont restées au passage sans abri, couvertures ou médicaments.", "assistance", {NEGATED}),
    # ...not the next item of a list of another kind (indicators: "nights without a solution, referrals made")
    ("en", "Daily attendance, nights reported without a solution, referrals completed, average waiting time at the "
     "clinic, complaints.", "refer_on", {AFFIRMED}),
    ("es", "Asistencia diaria, noches señaladas sin solución, derivaciones concretadas, tiempo medio de espera en la "
     "clínica, quejas.", "refer_on", {AFFIRMED}),
    ("fr", "Fréquentation quotidienne, nuitées signalées sans solution, orientations suivies d'effet, délai moyen "
     "de prise en charge à la clinique, réclamations.", "refer_on", {AFFIRMED}),
    # registering a person "on their own declaration" takes their word; it says nothing of individual handling
    ("en", "A household without any document is registered on its own declaration.", "individual_handling", set()),
    ("es", "Un hogar sin ningún documento se registra por su propia declaración.", "individual_handling", set()),
    ("fr", "Un ménage sans aucun document est enregistré sur sa propre déclaration.", "individual_handling", set()),
    # a negation inside the subject ("with no permit", "who have no visa") stops at the verb's modal:
    # the people it describes can still do what follows; a negation of the predicate still denies it
    ("en", "Residents with no residence permit can join the team as volunteers.", "staff_role", {AFFIRMED}),
    ("en", "Residents with no residence permit can join the team as volunteers.", "identity_document", {NEGATED}),
    ("en", "Residents with no residence permit can join the team as volunteers.", "people_served", {AFFIRMED}),
    ("en", "People who hold a temporary visa or have no current visa can all apply to volunteer.", "staff_role",
     {AFFIRMED}),
    ("en", "No migrant can volunteer.", "staff_role", {NEGATED}),
    ("es", "Las personas sin permiso de residencia pueden unirse al equipo como voluntarias.", "staff_role",
     {AFFIRMED}),
    ("es", "Las personas que tienen una visa temporal o que no tienen visa pueden inscribirse como voluntarias.",
     "staff_role", {AFFIRMED}),
    ("fr", "Les personnes sans titre de séjour peuvent rejoindre l'équipe comme bénévoles.", "staff_role", {AFFIRMED}),
    ("fr", "Les personnes qui ont un visa temporaire ou qui n'ont pas de visa peuvent toutes s'inscrire comme "
     "bénévoles.", "staff_role", {AFFIRMED}),
    # a negation after "que"/"that" in a clause that has its own subject reaches what it says ("no se usen para
    # controles"), not past a comma into the main clause ("Ce que nous ne faisons pas, nous l'orientons")
    ("es", "La filial cuida que esos espacios no se usen para controles migratorios.", "enforcement_action", {NEGATED}),
    ("fr", "La branche veille à ce que ces espaces ne soient pas utilisés pour des contrôles migratoires.",
     "enforcement_action", {NEGATED}),
    ("en", "Anything that we do not provide, we refer to the district hospital.", "referral", {AFFIRMED}),
    ("es", "Lo que nosotros no hacemos, lo derivamos al hospital.", "referral", {AFFIRMED}),
    ("fr", "Ce que nous ne faisons pas, nous l'orientons vers l'hôpital.", "referral", {AFFIRMED}),
    ("fr", "Les besoins que la branche ne peut couvrir sont orientés vers l'hôpital.", "referral", {AFFIRMED}),
    # a negation that opens the clause after "that" as its subject is no relative clause: it denies the lack
    ("en", "The sessions explain that no migrant is without rights.", "no_rights", {NEGATED}),
    ("es", "Las sesiones explican que ninguna persona migrante está sin derechos.", "no_rights", {NEGATED}),
    ("fr", "Les séances expliquent qu'aucun migrant n'est sans droits.", "no_rights", {NEGATED}),
    # ...but a lack given as a cause stays a lack: "nobody turned away for lack of papers" asks for none
    ("en", "We check that nobody was turned away for lack of papers.", "identity_document", {NEGATED}),
    ("es", "Comprobamos que nadie quedó fuera por falta de papeles.", "identity_document", {NEGATED}),
    # ...and before a denied modal: the subject without a card is what cannot be listed, not denied twice
    ("es", "Un hogar sin titular de la tarjeta no puede ser inscrito en la lista.", "exclusion", {AFFIRMED}),
    ("fr", "Un ménage sans titulaire de la carte ne peut pas être inscrit sur la liste.", "exclusion", {AFFIRMED}),
    ("en", "A household with no adult card holder cannot be entered on the list.", "exclusion", {AFFIRMED}),
    # (but a narrow negation in the gap of a phrase still denies it: "sin pedir | ningún documento")
    ("es", "Kits de higiene, ropa y calzado, sin pedir ningún documento a nadie.", "identity_document", {NEGATED}),
    # "or not" after a word, and "whether or not", deny narrowly: neither denies what follows twice
    ("en", "All families, Warao or not, whether or not they have registered with the police, get meals.",
     "processing", {NEGATED}),
    ("en", "Families are served whether or not they have reported to the immigration office.", "report_to",
     {NEGATED}),
    # after a negation, ", or" goes on with what is denied; ", and" ends it
    ("en", "We will not hand out the ministry's leaflets, or check anyone's documents.", "identity_document",
     {NEGATED}),
    ("en", "We keep no names, and the documents go to the archive.", "identity_document", {AFFIRMED}),
    # a condition on another body's act, answered by a refusal, is what the programme refuses; answered by
    # the act itself, or denying something of its own, it is the plan
    ("en", "If General Security asks for a list of residents, the branch manager declines.", "personal_data",
     {REJECTED}),
    ("es", "Si la policía pide la lista de residentes, el jefe de equipo se niega a entregarla.", "personal_data",
     {REJECTED}),
    ("fr", "Si la police demande la liste des résidents, le chef d'équipe refuse de la transmettre.",
     "personal_data", {REJECTED}),
    ("en", "If the police ask for the list of residents, the branch manager sends it.", "personal_data",
     {AFFIRMED}),
    # (the condition runs to the last comma before the answer, across a list of bodies)
    ("en", "If the Department, the Border Force or the police ask us for the whereabouts of a named person, "
     "including after release, our answer is that we do not share it.", "whereabouts", {REJECTED}),
    ("en", "If the police find no papers on a resident, the branch does not register him.", "identity_document",
     {NEGATED}),
    # a second negation joined by 'and' says its own thing, even inside a phrase that holds it: the first
    # does not deny it ("not part of the project and will not be followed up" leaves people without follow-up)
    ("en", "Legal needs are not part of the project and will not be followed up.", "no_referral", {AFFIRMED}),
    ("es", "Las necesidades legales no forman parte del proyecto y no se les dará seguimiento.", "no_referral",
     {AFFIRMED}),
    # a narrow negation ends at a comma when what follows opens on a preposition (no item of a list)
    ("fr", "Pour qui : personnes sans moyen de transport, selon un entretien individuel.", "individual_handling",
     {AFFIRMED}),
    ("en", "For whom: people without transport, through an individual interview.", "individual_handling", {AFFIRMED}),
    # 'but' ends what a negation reaches, written with or without a comma ("n'assure pas ... mais orientera")
    ("fr", "Le projet n'assure pas de représentation juridique mais orientera les personnes vers le barreau.",
     "referral", {AFFIRMED}),
    ("es", "El proyecto no ofrece representación legal pero remitirá a las personas al consultorio jurídico.",
     "referral", {AFFIRMED}),
    # "never replace X" says that X is there
    ("en", "Group talks never replace the individual interview.", "individual_handling", {AFFIRMED}),
    ("fr", "Les causeries de groupe complètent l'entretien individuel sans jamais le remplacer.",
     "individual_handling", {AFFIRMED}),
    # a negation in a relative clause ends before the main verb's modal, and a second negation word that
    # agrees with it stays in the relative clause ("no tienen ninguno")
    ("en", "Households whose adults have neither document cannot be enrolled.", "exclusion", {AFFIRMED}),
    ("es", "Los hogares cuyos adultos no tienen ninguno de los dos números no pueden ser inscritos.", "exclusion",
     {AFFIRMED}),
    # a negation inside a phrase's gap denies the phrase: "have no access"
    ("en", "Police officers have no access to the registration lists.", "receive", {NEGATED}),
    # Spanish pronouns written onto a verb: "registrarlos" is "registrar" + "los", "charlas" is not "char"
    ("es", "El personal se limitará a registrarlos.", "no_referral", {AFFIRMED}),
    ("es", "Las charlas pretenden reducir las salidas.", "campaign", {AFFIRMED}),
    # ... and a concept's phrase written with one is read the same way ("presentarse ante" in a draft)
    ("es", "Cada adulto deberá presentarse ante la policía.", "authority_step", {AFFIRMED}),
    ("es", "Los jóvenes prefieren quedarse en casa.", "stay_home", {AFFIRMED}),
    # a quoted title is an aside: its negation stays inside
    ('en', 'The programme "Don\'t Judge by the Cover" brings migrants and residents into dialogue.',
     "involvement", {AFFIRMED}),
    # a table cell answered "No" denies its column's question; "Yes" affirms it
    ("en", "Criterion: UNHCR card | Required?: No | Notes: none", "restriction", {NEGATED}),
    ("en", "Criterion: UNHCR card | Required?: Yes", "restriction", {AFFIRMED}),
    # a column that asks about the whole row denies the row
    ("en", "Task: setting return targets | Does the Society do it?: No | Who: -", "target_quota", {NEGATED}),
    ("es", "Tarea: fijar metas de retorno | ¿Lo hace la Sociedad?: No | Quién: -", "target_quota", {NEGATED}),
    ("fr", "Tâche : fixer des objectifs de retour | La Société le fait-elle ? : Non | Qui : -", "target_quota",
     {NEGATED}),
    ("ar", "المعيار: بطاقة المفوضية | هل يُطلب؟: لا", "restriction", {NEGATED}),
    # an answer "No" with an aside after it still answers its question
    ("en", "Do we pass names to the Home Office?: No (safeguarding exceptions only)", "personal_data", {NEGATED}),
    ("fr", "Transmettons-nous des noms à la préfecture ? : Non (sauf protection de l'enfance)", "personal_data",
     {NEGATED}),
    # ... but a column that asks about something of its own denies only its cell
    ("fr", "Indicateur : satisfaction des usagers (enquête) | Cible : 80 % | Mesure du nombre de départs ? : Non",
     "needs_assessment_named", {AFFIRMED}),
    ("en", "Indicator: user satisfaction (survey) | Target: 80 % | Counts departures?: No", "needs_assessment_named",
     {AFFIRMED}),
    ("en", "Indicator: user satisfaction (survey) | Target: 80 % | Counts departures?: No", "migration_movement",
     {NEGATED}),
    # ... and so does a column headed by the answers it takes ("Yes / No")
    ("en", "Criterion: passport required | Yes / No: No", "identity_document", {NEGATED}),
    ("en", "Criterion: passport required | Yes / No: Yes", "identity_document", {AFFIRMED}),
    ("es", "Criterio: pasaporte exigido | Sí / No: No", "identity_document", {NEGATED}),
    ("fr", "Critère : papiers d'identité exigés | Oui / Non : Non", "identity_document", {NEGATED}),
    ("fr", "Critère : papiers d'identité exigés | Oui / Non : Oui", "identity_document", {AFFIRMED}),
    # Arabic: letters written onto a word (و، ب، لل), the article kept on its word, negation and rejection
    ("ar", "تُرسل القوائم إلى الشرطة وبالتنسيق مع مكتب الهجرة.", "enforcement_body", {AFFIRMED}),
    ("ar", "الخدمة مخصصة للسوريين فقط.", "nationality_group", {AFFIRMED}),
    ("ar", "لا يُطلب أي جواز سفر أو وثيقة هوية.", "identity_document", {NEGATED}),
    ("ar", "لا تتم مشاركة أي قوائم مع الشرطة أبدا.", "share", {NEGATED}),
    ("ar", "على عكس حملات الردع، نقدم معلومات محايدة.", "stop_deter", {REJECTED}),
    # "لا ... إلا" (not ... except) says "only": nothing is denied
    ("ar", "لا تُمنح المساعدات إلا بعد التسجيل لدى الشرطة.", "assistance", {AFFIRMED}),
    # spellings: hamza, taa marbuta, alef maqsura, tatweel and short vowels do not matter
    ("ar", "تُرسَل القـوائم إلى الشرطه.", "enforcement_body", {AFFIRMED}),
    # Persian-style "ی" and Arabic-Indic digits are not Arabic words, but the Arabic comma ends a clause
    ("ar", "تحال الحالات الطبية إلى المستشفى، ولا يحال أحد إلى الشرطة.", "referral", {AFFIRMED, NEGATED}),
    # after "and that" or a saying verb, a negation denies the whole of what is said, not three words of a
    # relative clause
    ("en", "The Society restated publicly that aid follows need alone, and that no one affected by the storm is "
           "without rights.", "no_rights", {NEGATED}),
    ("es", "La Sociedad recordó públicamente que la ayuda sigue la necesidad, y que nadie afectado por el huracán "
           "está sin derechos.", "no_rights", {NEGATED}),
    ("fr", "La Société a rappelé publiquement que l'aide suit les besoins, et que personne n'est sans droits à cause "
           "de ses papiers.", "no_rights", {NEGATED}),
    # a word inside a phrase that holds a negation, after it, is denied ("required" in "no document is ever
    # required", a phrase that says the document is no condition)
    ("en", "A passport may be shown, but no document is ever required.", "requirement", {NEGATED}),
    ("es", "Las personas no pueden mostrar documentos.", "restriction", {NEGATED}),
    ("fr", "Aucun document n'est jamais exigé.", "identity_document", {NEGATED}),
    # what follows "unless" is not denied by the negation before it
    ("en", "We do not keep their numbers in the file unless a referral needs it.", "referral", {AFFIRMED}),
    ("es", "No guardamos sus números en el expediente salvo que una derivación lo requiera.", "referral", {AFFIRMED}),
    ("fr", "Nous ne gardons pas leurs numéros dans le dossier sauf si une orientation l'exige.", "referral",
     {AFFIRMED}),
    # a refusal of a statement whose subject holds a narrow negation ("without a visa") still refuses it
    ("en", "It is false to say that whoever comes without a visa has no rights.", "no_rights", {REJECTED}),
    ("es", "Es falso decir que quien llega sin visado no tiene derechos.", "no_rights", {REJECTED}),
    ("fr", "Il est faux de dire que celui qui arrive sans visa n'a aucun droit.", "no_rights", {REJECTED}),
    # "those who refuse" refuse; what the main clause says of them is not refused
    ("en", "People who decline are seen again every three days until they agree.", "until_they_agree", {AFFIRMED}),
    ("es", "A quienes se niegan se les visita cada tres días hasta que acepten.", "until_they_agree", {AFFIRMED}),
    ("fr", "Ceux qui refusent sont revus tous les trois jours jusqu'à ce qu'ils acceptent.", "until_they_agree",
     {AFFIRMED}),
    # a phrase with a gap does not open on the last word of another concept's phrase when the gap holds a third
    # one: 'meet' belongs to "cannot meet" and 'referred' to a referral, so no one is met "with" anyone...
    ("en", "Needs the centre cannot meet are referred with a written slip.", "consulted", set()),
    # a negation after a subject the programme or "they" stands for denies what they do, not what comes before
    ("en", "Accompanied referral for anything we do not do ourselves.", "refer_on", {AFFIRMED}),
    ("es", "Derivación acompañada para todo lo que nosotros no hacemos.", "refer_on", {AFFIRMED}),
    ("fr", "Orientation accompagnée pour tout ce que nous ne faisons pas nous-mêmes.", "refer_on", {AFFIRMED}),
    # a negation in a relative clause ends where the main verb begins, an auxiliary too
    ("en", "A person who has no status in Canada has no rights here.", "no_rights", {AFFIRMED}),
    # ...but with no gap, or nothing said in the gap, the phrase stands
    ("en", "The team cannot meet with migrant representatives this year.", "consulted", {NEGATED}),
    ("en", "When a protection need is identified, the volunteer opens a file.", "needs_assessment", {AFFIRMED}),
])
def test_how_a_concept_is_said(read, language: str, text: str, concept: str, expected: set[str]) -> None:
    assert said(read, language, text, concept) == expected


@pytest.mark.parametrize("language, text", [
    # after a refusal, the reason; after a denial, the explanation
    ("en", "Management declined the proposal: people whose visas have expired are in great hardship."),
    ("es", "La dirección rechazó la propuesta: las personas cuya visa venció están en gran dificultad."),
    ("fr", "La direction a refusé : les personnes dont le visa a expiré sont en grande difficulté."),
    ("en", "The project starts without any survey of the families: kit numbers follow the lists sent by the ministry."),
    ("fr", "Le projet démarrera sans enquête auprès des familles : les kits suivront les listes transmises par le ministère."),
])
def test_what_follows_a_refusal_or_denial_and_a_colon_is_a_clause_of_its_own(read, language: str, text: str) -> None:
    compiled, reading = read(language, text)
    colon = text.index(":")
    before = {reading.clauses[i] for i, (start, _) in enumerate(reading.spans) if start < colon}
    after = {reading.clauses[i] for i, (start, _) in enumerate(reading.spans) if start > colon}
    assert len(reading.stances) == max(reading.clauses) + 1
    assert before and after and max(before) < min(after)


def test_a_colon_after_a_plain_statement_opens_no_clause(read) -> None:
    compiled, reading = read("en", "The branch checks one thing: people whose visas have expired are in hardship.")
    assert set(reading.clauses) == {0}


@pytest.mark.parametrize("language, text", [
    ("en", "**Will you share beneficiary lists with the border police?**"),
    ("es", "__¿Compartirán las listas de beneficiarios con la policía?__"),
])
def test_a_question_in_bold_is_a_question(read, language: str, text: str) -> None:
    compiled, reading = read(language, text)
    assert set(reading.stances) == {"question"}


def test_a_function_word_is_not_read_as_a_cue(read) -> None:
    compiled, reading = read("en", "The team noted in March: the lists are never shared.")
    assert [(kind, reading.words[start]) for kind, start, _ in reading.cues] == [("negation", "never")]
    compiled, reading = read("fr", "Les autorités et leurs partenaires mènent des campagnes.", context=True)
    assert reading.stances == ("background",)  # 'leurs' does not name the programme as 'nos' would


def test_stance_plan_background_reported_question(read) -> None:
    assert read("en", "The ministry runs a campaign to stop departures.", context=True)[1].stances == ("background",)
    assert read("en", "Our volunteers run a campaign to stop departures.", context=True)[1].stances == ("plan",)
    assert read("en", "The ministry reportedly runs a campaign.")[1].stances == ("reported",)
    assert read("en", "Should volunteers hand out the leaflets?")[1].stances == ("question",)
    # reported speech inside an 'if' phrase is a condition, not a report
    assert read("es", "Si una persona dice que quiere pedir asilo, el voluntariado la deriva.")[1].stances == ("plan",)
    # a saying right after a relative word is its subject's ("who say they will not go back"), not a report
    assert read("fr", "Les résidents qui disent qu'ils ne rentreront pas devront quitter le centre.")[1].stances == ("plan",)
    assert read("fr", "Les résidents disent qu'ils ne rentreront pas.")[1].stances == ("reported",)


@pytest.mark.parametrize("language,past,future", [
    ("en", "In 2019, the branch handed the list of residents to the police.",
     "In 2027, the branch will hand the list of residents to the police."),
    ("es", "Durante las primeras semanas, la filial entregó la hoja de atenciones a la policía.",
     "Durante las primeras semanas, la filial entregará la hoja de atenciones a la policía."),
    ("fr", "En 2019, lors d'une phase pilote, la branche remettait la liste à la police.",
     "En 2027, la branche remettra la liste à la police."),
])
def test_a_sentence_that_opens_on_the_past_tells_what_was_done_even_by_the_programme(read, language, past, future):
    assert read(language, past)[1].stances == ("background",)
    assert read(language, future)[1].stances == ("plan",)


@pytest.mark.parametrize("language,past,present", [
    # a main verb in the imperfect tells what was done; one in a relative clause, or a word that only ends like
    # one ("carretera", "extrait"), does not
    ("es", "La filial pedía el pasaporte a cada persona y entregaba la lista a la policía.",
     "La filial pide el pasaporte a cada persona y entrega la lista a la policía."),
    ("es", "Esta regla dejaba fuera a las personas sin papeles.",
     "Las personas que estaban en el centro reciben el pasaporte solo si muestran la tarjeta en la carretera."),
    ("fr", "Cette règle écartait des personnes sans papiers.",
     "Les personnes qui étaient au centre reçoivent un extrait de la liste de la police."),
    ("fr", "La branche remettait la liste à la police chaque soir.",
     "La branche remet la liste à la police chaque soir."),
    # (after an elided word too, and whatever tense a relative clause after it is in: "-raient" of "montraient"
    # ends like a conditional)
    ("fr", "La collation n'était servie qu'aux personnes qui montraient un récépissé.",
     "La collation n'est servie qu'aux personnes qui montreront un récépissé."),
    ("es", "La comida solo se entregaba a las personas que mostrarán un documento.",
     "La comida solo se entrega a las personas que mostraban un documento."),
])
def test_a_main_verb_in_the_imperfect_tells_what_was_done(read, language, past, present):
    assert set(read(language, past)[1].stances) == {"background"}
    assert set(read(language, present)[1].stances) == {"plan"}
    # (with a future or a conditional it is the plan again: "remettrait", "entregaría" is not read, "será" is)


def test_an_opener_on_a_number_is_one_on_a_year() -> None:
    from policy_engine.evaluation.reader import CompiledLanguage
    assert CompiledLanguage._year_opener(("en", "#"), "En 2021, x", [(0, 2), (3, 7)])
    assert not CompiledLanguage._year_opener(("en", "#"), "En 3 distritos", [(0, 2), (3, 4)])


def test_where_a_number_opens_the_sentence_it_says_where_not_when(read) -> None:
    assert read("es", "En 3 distritos, la filial pide documentos a las familias.")[1].stances == ("plan",)


@pytest.mark.parametrize("language,text,amount", [
    ("en", "Some relatives waiting with an admission promise were deported in 2025.", False),
    ("en", "Bring departures down by a quarter compared with 2025.", False),
    ("en", "From 2024 to 2026 the branch works in three districts.", False),
    ("en", "The plan commits to 2000 returnees a year.", True),
    ("es", "Los retornos se reanudaron en 2025, según la prensa.", False),
    ("es", "El plan se compromete a 2000 retornados al año.", True),
    ("fr", "Les expulsions ont repris en 2025.", False),
    ("fr", "Le plan s'engage sur 2000 retours par an.", True),
])
def test_a_year_is_no_amount(read, language: str, text: str, amount: bool) -> None:
    # a four-digit number from 1900 to 2099 that no word of more than three letters follows is a year: a return
    # target counts people ("2000 returnees"), not "in 2025"
    assert bool(said(read, language, text, "count")) == amount


@pytest.mark.parametrize("language,text,barred", [
    ("en", "The names of visitors who cannot show a document go to the police.", False),
    ("en", "Visitors cannot volunteer at the centre.", True),
    ("es", "Los nombres de las personas que no pueden mostrar un documento van a la policía.", False),
    ("es", "Los visitantes no pueden ser voluntarios.", True),
    ("fr", "Les noms des personnes qui ne peuvent pas présenter de document vont à la police.", False),
    ("fr", "Les visiteurs ne peuvent pas être bénévoles.", True),
])
def test_what_a_relative_clause_says_people_cannot_do_bars_nothing(read, language: str, text: str,
                                                                  barred: bool) -> None:
    # `prohibition` is marked not_in_relative: right after "who", "que", "qui" it says what those people cannot
    # do, so it neither bars anyone nor excuses the names going to the police as a ban on sending them
    assert bool(said(read, language, text, "prohibition")) == barred


@pytest.mark.parametrize("language,text", [
    ("en", "People who do not have an identity document are not served."),
    ("es", "Las personas que no tienen documento de identidad no son atendidas."),
    ("fr", "Les personnes qui n'ont pas de pièce d'identité ne sont pas servies."),
])
def test_a_negation_in_a_relative_clause_stops_at_a_denied_main_verb(read, language: str, text: str) -> None:
    # the main verb's own negation ("ne sont pas", "no son") ends the relative clause's: the exclusion is said
    assert said(read, language, text, "exclusion") == {AFFIRMED}


@pytest.mark.parametrize("language,text,stance", [
    ("en", "Since January 2025, the coordinator sends the list to the police post.", "plan"),
    ("en", "Since January 2025, police officers have checked papers at the station.", "background"),
    ("en", "Since June 2023 every traveller needs a visa, and many of the people we meet came through the desert.",
     "background"),
    ("es", "Desde enero de 2025, a pedido de la policía, el coordinador envía la lista al puesto.", "plan"),
    ("es", "Desde enero de 2025, la policía controla los papeles en la estación.", "background"),
    ("fr", "Depuis janvier 2025, le coordinateur envoie la liste au poste de police.", "plan"),
    ("fr", "Depuis janvier 2025, la police contrôle les papiers à la gare.", "background"),
])
def test_an_opener_that_runs_up_to_now_leaves_the_programme_its_plan(read, language: str, text: str,
                                                                   stance: str) -> None:
    # "since" runs up to now: what the programme, the main clause's subject, has done since, it still does
    assert read(language, text)[1].stances[0] == stance


@pytest.mark.parametrize("language,text", [
    ("en", "Whether a person's application is pending, granted or refused makes no difference to the support offered."),
    ("es", "Que la solicitud esté pendiente, aceptada o rechazada no cambia nada en la ayuda."),
    ("fr", "Que la demande soit en cours, acceptée ou refusée ne change rien à l'aide reçue."),
])
def test_a_refusal_that_closes_a_list_after_a_passive_is_a_state(read, language: str, text: str) -> None:
    # "pending, granted or refused" says what became of the application: nobody refuses the support after it
    assert said(read, language, text, "open_access") == {AFFIRMED}


@pytest.mark.parametrize("language,text,amount", [
    ("en", "Departure figures come from the Department each quarter to measure indicator 1.", False),
    ("es", "Las cifras de salidas las da el Departamento para medir el indicador 1.", False),
    ("fr", "Les chiffres de départs sont fournis par le Département pour mesurer l'indicateur 1.", False),
    ("fr", "Le plan vise 300 départs par trimestre.", True),
])
def test_a_number_that_names_an_indicator_is_no_amount(read, language: str, text: str, amount: bool) -> None:
    assert bool(said(read, language, text, "count")) == amount


def test_a_colon_after_whatever_lists_whom_it_covers(read) -> None:
    # a colon after a negation opens the reason ("We declined: ..."); after "whatever their situation" it lists
    # the people it covers, in the same clause
    compiled, reading = read("en", "Anyone, whatever their situation: people with a pending claim or a denied file.")
    assert len(set(reading.clauses)) == 1


@pytest.mark.parametrize("language,text,concept", [
    ("en", "71 % of adults surveyed had no health cover of any kind.", "needs_assessment_named"),
    ("es", "El 71 % de los adultos encuestados no tenía ninguna cobertura de salud.", "needs_assessment_named"),
    ("fr", "71 % des adultes interrogés n'avaient aucune couverture santé.", "needs_assessment_named"),
])
def test_a_negative_determiner_denies_what_follows_it_only(read, language: str, text: str, concept: str) -> None:
    # "no", "ninguna", "aucune" deny the health cover, not the survey before them
    assert NEGATED not in said(read, language, text, concept)


def test_a_numbered_heading_is_its_sections_heading(read) -> None:
    # "4. Après un transfert collectif" heads the unit "Après un transfert collectif": a heading that opens on a
    # time ("after", like "if" and "when") says when what follows applies, not that it happens
    compiled, reading = read("fr", "Après un transfert collectif", lead="4. Après un transfert collectif")
    assert set(reading.stances) == {"question"}


@pytest.mark.parametrize("language,text,concept,expected", [
    # in a relative clause a narrow negation stops at an 'and' once it has said something...
    ("en", "Men who waited outside the arrival centre and now act as interpreters.", "role_taking", {AFFIRMED}),
    # ...and still denies what it reaches before it
    ("en", "Men who waited outside the arrival centre and now act as interpreters.", "arrivals_transit", {NEGATED}),
])
def test_a_narrow_negation_in_a_relative_clause_ends_at_its_and(read, language: str, text: str, concept: str,
                                                                  expected: set[str]) -> None:
    assert said(read, language, text, concept) == expected


def test_an_opener_on_a_year_still_tells_the_past(read) -> None:
    assert read("en", "Since 2020, police have checked papers at the station.")[1].stances == ("background",)


@pytest.mark.parametrize("text, named", [
    ("The US Coast Guard stops boats near the island.", False),
    ("With us, the Coast Guard stops boats near the island.", True),
    ("WITH US, THE COAST GUARD STOPS BOATS.", True),  # a sentence all in capitals keeps its pronouns
])
def test_a_pronoun_in_capitals_is_a_name(read, text: str, named: bool) -> None:
    # "the US Coast Guard" names a country, not the programme ("us"): a background sentence stays background
    assert (read("en", text, context=True)[1].stances != ("background",)) == named


@pytest.mark.parametrize("language,text,concept,expected", [
    # a short list that opens right after the last word a narrow negation reaches is denied to its end
    ("en", "Information on the risks, without telling anyone whether to travel on, wait or stay home.", "stay_home",
     {"negated"}),
    ("fr", "Des informations sur les risques, sans dire à personne s'il faut continuer, attendre ou rester chez soi.",
     "stay_home", {"negated"}),
    # ...not a verb that goes on with the sentence, nor what a colon opens
    ("en", "Make sure every person, whatever their nationality, can be heard individually and referred.",
     "individual_handling", {"affirmed"}),
    ("en", "Clinics for migrants without access to public health care: plan for a stronger referral network.",
     "refer_on", {"affirmed"}),
])
def test_a_narrow_negation_reaches_the_end_of_a_short_list(read, language, text, concept, expected) -> None:
    assert said(read, language, text, concept) == expected


@pytest.mark.parametrize("language,body,people", [
    ("en", "When the Libyan coast guard intercepts a boat, the team informs the coordination centre.",
     "The team meets Syrian families at the port."),
    ("es", "Cuando los guardacostas libios interceptan una barca, el equipo informa al centro de coordinación.",
     "El equipo recibe a familias sirias en el puerto."),
    ("fr", "Quand les garde-côtes libyens interceptent un bateau, l'équipe informe le centre de coordination.",
     "L'équipe accueille des familles syriennes au port."),
    ("ar", "عندما يعترض خفر السواحل الليبي قاربا يبلغ الفريق مركز التنسيق.",
     "يدير متطوعون سوريون مكتب التسجيل."),
])
def test_a_nationality_beside_a_body_names_its_country_not_people(read, language, body, people) -> None:
    # concept key `describes`: "the Libyan coast guard" names no Libyans; beside people, or between people and
    # a body ("Syrian volunteers run the registration office"), it still names people
    assert said(read, language, body, "nationality_group") == set()
    assert said(read, language, people, "nationality_group") == {"affirmed"}


@pytest.mark.parametrize("language,set_against,side_by_side", [
    ("en", "The state scheme requires a residence permit; this project is precisely for the families it leaves out.",
     "The ministry asked for the lists; we will serve only recognised refugees."),
    ("es", "El subsidio estatal exige permiso de residencia; este proyecto se dirige justamente a quienes quedan fuera.",
     "El ministerio pidió las listas; atenderemos solo a refugiados reconocidos."),
    ("fr", "Le dispositif départemental exclut les personnes sans papiers ; notre action vise précisément ce public.",
     "Le ministère a demandé les listes ; nous ne servirons que les réfugiés reconnus."),
    # after an introductory phrase, the other body still opens the clause
    ("en", "While preparing this phase, a potential donor proposed an indicator on fewer departures; the steering "
           "committee refused it.",
     "While preparing this phase, a potential donor proposed an indicator on fewer departures; the steering "
     "committee adopted it."),
    ("fr", "Lors de la préparation, un bailleur potentiel a proposé un indicateur de réduction des départs ; le comité "
           "de pilotage l'a refusé.",
     "Lors de la préparation, un bailleur potentiel a proposé un indicateur de réduction des départs ; le comité "
     "de pilotage l'a adopté."),
])
def test_another_body_set_against_the_programme_is_its_own_practice(read, language, set_against, side_by_side) -> None:
    # a clause that opens on another body, then the programme setting itself against it: the other's practice
    assert read(language, set_against)[1].stances == ("reported", "plan")
    # without a word of contrast, both clauses stay the programme's plan
    assert read(language, side_by_side)[1].stances == ("plan", "plan")


@pytest.mark.parametrize("language,rejected,stated", [
    ("en", "We declined the posters of the border agency, because their purpose is to reduce arrivals.",
     "We produce posters with the border agency, because their purpose is to reduce arrivals."),
    ("es", "Rechazamos los carteles de la agencia fronteriza, porque su objetivo es reducir las llegadas.",
     "Producimos carteles con la agencia fronteriza, porque su objetivo es reducir las llegadas."),
    ("fr", "Nous avons refusé les affiches de la police aux frontières, parce que leur but est de réduire les arrivées.",
     "Nous produisons des affiches avec la police aux frontières, parce que leur but est de réduire les arrivées."),
])
def test_a_reason_given_for_a_refusal_says_what_was_refused(read, language, rejected, stated) -> None:
    # the reason after a refusal describes what was refused; after a plain statement it is the programme's own
    assert read(language, rejected)[1].stances == ("plan", "reported")
    assert read(language, stated)[1].stances == ("plan", "plan")


@pytest.mark.parametrize("language,denied,ours", [
    ("en", "We do not distribute the ministry's material, because their purpose is to reduce departures.",
     "We do not give advice on routes, because our aim is to reduce departures."),
    ("es", "No distribuimos el material del ministerio, porque su propósito es reducir las salidas.",
     "No damos consejos sobre rutas, porque nuestro objetivo es reducir las salidas."),
    ("fr", "Nous ne diffusons pas le matériel du ministère, car son but est de réduire les départs.",
     "Nous ne donnons pas de conseils sur les routes, car notre but est de réduire les départs."),
])
def test_a_reason_given_for_a_denial_says_what_was_denied_unless_it_is_ours(read, language, denied, ours) -> None:
    # after a clause that denies doing something, a reason that does not name the programme describes what is
    # not done; one that names it ("our aim") is the programme's own
    assert read(language, denied)[1].stances[-1] == "reported"
    assert read(language, ours)[1].stances[-1] == "plan"


@pytest.mark.parametrize("language,rejected,purpose", [
    ("en", "We declined: these messages aim to reduce departures.",
     "The team will state its position to avoid misunderstandings: these messages aim to reduce departures."),
    ("es", "Lo rechazamos: esos mensajes buscan reducir las salidas.",
     "El equipo dejará clara su posición para evitar malentendidos: esos mensajes buscan reducir las salidas."),
    ("fr", "Nous avons décliné : ces messages visent à faire baisser les départs.",
     "L'équipe précisera sa position pour éviter les malentendus : ces messages visent à faire baisser les départs."),
])
def test_a_colon_after_a_refusal_opens_what_was_refused(read, language, rejected, purpose) -> None:
    # the clause a colon opens after a refusal says why it was refused; after a purpose ("to avoid
    # misunderstandings:") it is the programme's own statement
    assert read(language, rejected)[1].stances == ("plan", "reported")
    assert read(language, purpose)[1].stances[-1] == "plan"


@pytest.mark.parametrize("language,listed,new_clause", [
    ("en", "We declined the posters and the videos of the border agency.",
     "We declined the posters and will show videos of the border agency."),
    ("es", "Rechazamos los carteles y los videos de la agencia fronteriza.",
     "Rechazamos los carteles y mostraremos videos de la agencia fronteriza."),
    ("fr", "Nous avons refusé les affiches et les vidéos de la police aux frontières.",
     "Nous avons refusé les affiches et montrerons des vidéos de la police aux frontières."),
])
def test_a_refusal_reaches_every_thing_of_a_list(read, language, listed, new_clause) -> None:
    # 'and' between two things of one kind lists what is refused; before anything else it opens a new part
    assert said(read, language, listed, "campaign") == {REJECTED}
    assert said(read, language, new_clause, "campaign") == {REJECTED, AFFIRMED}


@pytest.mark.parametrize("language,text,denied", [
    # negative concord: the negation before a phrase that holds the word completing it is one denial with it
    ("fr", "Une personne sans titre de séjour n'a pas de droits à faire valoir ici.", "Il n'est pas vrai qu'elle n'ait pas de droits."),
    ("es", "Una persona sin permiso no tiene ningún derecho aquí.", None),
    ("fr", "Cette personne n'a pas de droits ici.", None),  # 'cette personne ne' is no 'personne ne' (nobody)
])
def test_negative_concord_is_one_denial(read, language, text, denied) -> None:
    assert AFFIRMED in said(read, language, text, "no_rights")
    if denied:
        assert said(read, language, denied, "no_rights") == {NEGATED}


def test_a_heading_or_lead_in_denies_the_items_under_it(read) -> None:
    assert said(read, "en", "Share beneficiary lists with the police.", "share",
                lead="What we will not do") == {NEGATED}
    assert said(read, "en", "Share beneficiary lists with the police.", "share", lead="Activities") == {AFFIRMED}


_SHARE = {"en": "Share beneficiary lists with the police.", "es": "Compartir las listas de beneficiarios con la policía.",
          "fr": "Partager les listes de bénéficiaires avec la police."}


@pytest.mark.parametrize("language,lead", [
    # an aside qualifies the heading without denying its work
    ("en", "Other branch work (not funded by this grant)"),
    ("es", "Otros servicios de la filial (no financiados por esta subvención)"),
    ("fr", "Autres activités du comité (non financées par cette subvention)"),
    # a heading that opens on a condition says when, not what is not done
    ("en", "When the clinic is not enough"),
    ("es", "Cuando el consultorio no basta"),
    ("fr", "Quand le centre ne suffit pas"),
    # a heading that pairs what is done with what is not
    ("en", "What we say, and what we do not say"),
    ("es", "Lo que decimos, y lo que no decimos"),
    ("fr", "Ce que nous disons, et ce que nous ne disons pas"),
    # a negation inside a purpose that opens the lead-in, under a heading of its own
    ("en", "Who receives help\nTo avoid duplication and not create a pull factor, the working group agreed on these rules:"),
    ("es", "Quién recibe la ayuda\nPara evitar duplicidades y no crear un efecto llamada, el grupo acordó estos criterios:"),
    ("fr", "Qui reçoit l'aide\nPour éviter les doublons et ne pas créer d'appel d'air, le groupe a retenu ces critères :"),
    # what stays as it is goes on being done
    ("en", "What we already do and what does not change"),
    ("es", "Lo que ya hacemos y que no cambia"),
    ("fr", "Ce que nous faisons déjà et qui ne change pas"),
    # a negation in a relative clause after a comma describes what is listed
    ("en", "Activities\nThe group will go on with its usual work, which does not depend on this agreement:"),
    ("es", "Actividades\nEl grupo seguirá con su trabajo de siempre, que no depende de este acuerdo:"),
    ("fr", "Activités\nLe groupe poursuivra son travail habituel, qui ne dépend pas de cet accord :"),
])
def test_a_heading_with_an_aside_or_a_condition_denies_nothing_under_it(read, language, lead) -> None:
    assert said(read, language, _SHARE[language], "share", lead=lead) == {AFFIRMED}


@pytest.mark.parametrize("language,lead", [
    ("en", "Rules\nTo avoid any confusion, we will not:"),
    ("es", "Reglas\nPara evitar confusiones, la filial no va a:"),
    ("fr", "Règles\nPour éviter toute confusion, la section ne va pas :"),
])
def test_a_negation_after_the_purpose_that_opens_a_lead_in_still_denies(read, language, lead) -> None:
    assert said(read, language, _SHARE[language], "share", lead=lead) == {NEGATED}


@pytest.mark.parametrize("language,lead,text", [
    ("en", "What the committee does not do", "It does not sort arrivals: each person is welcomed and listened to."),
    ("es", "Lo que el comité no hace", "No clasifica a los recién llegados: cada persona es recibida y escuchada."),
    ("fr", "Ce que le comité ne fait pas", "Il ne trie pas les arrivants : chaque personne est accueillie et écoutée."),
])
def test_a_sentence_with_its_own_negation_says_what_it_denies(read, language, lead, text) -> None:
    # under a heading that denies, the sentence's own negation does the denying; and what it denies
    # ends at the colon that opens the explanation
    assert said(read, language, text, "consulted", lead=lead) == {AFFIRMED}
    assert said(read, language, text, "consulted") == {AFFIRMED}


@pytest.mark.parametrize("language,text", [
    ("en", "The committee reaffirms in that work that no person deprived of liberty is without rights."),
    ("es", "En ese trabajo, ninguna persona privada de libertad está sin derechos."),
    ("fr", "Dans ce travail, aucune personne privée de liberté n'est sans droits."),
])
def test_a_that_after_a_preposition_is_no_relative(read, language, text) -> None:
    # "in that work": a demonstrative, so the "no" after it still opens its clause and denies the lack
    assert said(read, language, text, "no_rights") == {NEGATED}


@pytest.mark.parametrize("language,text", [
    ("en", "A session making clear that every worker, whatever their papers, has rights at work, including to wages "
           "and to safety."),
    ("es", "Una sesión para dejar claro que todo trabajador, sean cuales sean sus papeles, tiene derechos en el trabajo, "
           "incluido el salario y la seguridad."),
    ("fr", "Une séance pour dire que tout travailleur, quels que soient ses papiers, a des droits au travail, y compris "
           "au salaire et à la sécurité."),
])
def test_an_aside_that_a_verb_follows_is_no_list_a_narrow_negation_runs_into(read, language, text) -> None:
    # "whatever their papers, | has rights ...": the verb goes on with the sentence, though a list closes later
    assert said(read, language, text, "rights_bearer") == {AFFIRMED}


@pytest.mark.parametrize("language,text", [
    ("en", "Households holding only an arrival slip, or no document at all, are not enrolled."),
    ("es", "Los hogares que solo tienen una constancia de llegada, o ningún documento, no se inscriben."),
    ("fr", "Les ménages qui n'ont qu'une fiche d'arrivée, ou aucun document, ne sont pas inscrits."),
])
def test_a_negation_that_opens_a_list_item_denies_that_item_only(read, language, text) -> None:
    # ", or no document at all," denies the document, not the verb after the next comma
    assert said(read, language, text, "exclusion") == {AFFIRMED}


@pytest.mark.parametrize("language,text", [
    ("en", "We ask for no name, and no identity document, permit, stamp or asylum card is ever required."),
    ("es", "No pedimos el nombre, y ningún documento, permiso, sello o tarjeta de asilo se exige nunca."),
    ("fr", "Nous ne demandons pas de nom, et aucun document, titre, tampon ou carte d'asile n'est jamais exigé."),
])
def test_a_negation_that_opens_a_list_runs_on_with_the_list(read, language, text) -> None:
    # ", and no identity document, permit, stamp or asylum card | is ever required": the list runs on from
    # its comma, so the negation reaches its verb
    assert AFFIRMED not in said(read, language, text, "restriction")


@pytest.mark.parametrize("language,text", [
    ("en", "We do not tell anyone that they have no rights."),
    ("es", "No decimos a nadie que no tiene derechos."),
    ("fr", "Nous ne disons pas aux gens qu'ils n'ont aucun droit."),
])
def test_a_denied_saying_denies_a_negative_phrase_that_a_that_opens(read, language, text) -> None:
    # "no decimos que | no tiene derechos": the second negation is what is said, so the first denies it too
    # (a second negation joined by 'and' still denies only its own part)
    assert said(read, language, text, "no_rights") == {NEGATED}


@pytest.mark.parametrize("language,text", [
    ("en", "The consultation register holds no name: date, place, age, sex, reason, treatment, referral."),
    ("es", "El registro de consultas no lleva nombre: fecha, lugar, edad, sexo, motivo, tratamiento, derivación."),
    ("fr", "Le registre des consultations ne comporte pas de nom : date, lieu, âge, sexe, motif, traitement, orientation."),
])
def test_a_colon_after_a_short_denied_word_opens_what_is_there(read, language, text) -> None:
    # "no name:" (a word of three letters) denies the name; the list the colon opens is what the register holds
    assert said(read, language, text, "refer_on") == {AFFIRMED}
    assert said(read, language, text, "personal_data") >= {NEGATED}


@pytest.mark.parametrize("language,lead,text", [
    ("en", "Non-negotiable rules", "Each person is seen individually."),
    ("es", "Reglas que no se negocian", "Cada persona es atendida individualmente."),
    ("fr", "Règles non négociables", "Chaque personne est reçue individuellement."),
    # "we do not simply close the file:" introduces what is done instead
    ("en", "What the clinic cannot do\nFor these needs we do not simply close the file:",
     "- each person is seen individually and referred."),
    ("es", "Lo que la clínica no puede hacer\nPara estas necesidades no nos limitamos a cerrar el expediente:",
     "- cada persona es atendida individualmente."),
    ("fr", "Ce que la clinique ne peut pas faire\nPour ces besoins, nous ne nous contentons pas de clore le dossier :",
     "- chaque personne est reçue individuellement."),
    # a dash pairs what is done with what it does not mean, as a comma does
    ("en", "Our place inside the compound — and what it does not mean", "- each person is seen individually."),
    ("es", "Nuestro lugar en el recinto — y lo que no significa", "- cada persona es atendida individualmente."),
    ("fr", "Notre place dans l'enceinte – et ce qu'elle ne signifie pas", "- chaque personne est reçue individuellement."),
])
def test_a_heading_that_only_looks_negative_denies_nothing(read, language, lead, text) -> None:
    assert said(read, language, text, "individual_handling", lead=lead) == {AFFIRMED}


def test_a_colon_right_after_a_negation_opens_what_is_denied(read) -> None:
    assert said(read, "en", "We will never: share beneficiary lists with the police.", "share") == {NEGATED}
    assert said(read, "fr", "Nous ne ferons jamais : transmettre les listes à la police.", "share") == {NEGATED}


@pytest.mark.parametrize("language,text", [
    ("en", "Will the whole boat get the same referral? No: each person is heard separately."),
    ("es", "¿Recibe todo el grupo la misma orientación? No: cada persona es escuchada por separado."),
    ("fr", "Le groupe reçoit-il la même orientation ? Non : chacun est écouté séparément."),
])
def test_a_negation_that_answers_alone_before_a_colon_denies_nothing_after_it(read, language, text) -> None:
    assert said(read, language, text, "individual_handling") == {AFFIRMED}


@pytest.mark.parametrize("language,joined,alone", [
    ("fr", "Aucun départ n'est organisé par groupe et personne n'est pressé.", "Les arrivants sont reçus par personne."),
    ("en", "Kits are counted per group and person.", "Kits are counted per person."),
])
def test_after_a_preposition_and_joins_two_things_not_one_phrase(read, language, joined, alone) -> None:
    # "par personne" is not found in "par groupe et personne": 'and' there joins two things
    compiled, reading = read(language, joined)
    assert not any(reading.words_of(m).startswith(("par", "per")) for m in reading.matches.get(
        compiled.concept_ids["individual_handling"], ()))
    assert said(read, language, alone, "individual_handling") == {AFFIRMED}


def test_phrases_do_not_cross_prepositions_commas_or_table_cells(read) -> None:
    compiled, reading = read("en", "Number of departures from the target woredas.")
    assert compiled.concept_ids["target_quota"] not in reading.matches
    compiled, reading = read("en", "Passport | required for staff badges")
    documents = reading.matches[compiled.concept_ids["identity_document"]]
    assert {reading.clauses[m.start] for m in documents} == {0}


@pytest.mark.parametrize("language,listed,two,aside", [
    ("en", "IOM (food and water), UNHCR (asylum seekers, informed of the dates), the police (security at the gate).",
     "UNHCR (asylum seekers, informed of the dates), the police (security at the gate).",
     "The police (at the gate), informed of the dates, keep the road clear."),
    ("es", "OIM (agua y comida), ACNUR (solicitantes de asilo, informado de las fechas), la policía (seguridad).",
     "ACNUR (solicitantes de asilo, informado de las fechas), la policía (seguridad).",
     "La policía (en la entrada), informada de las fechas, mantiene la vía libre."),
    ("fr", "OIM (eau et vivres), HCR (demandeurs d'asile, informé des dates), la police (sécurité du site).",
     "HCR (demandeurs d'asile, informé des dates), la police (sécurité du site).",
     "La police (à l'entrée), informée des dates, garde la route dégagée."),
])
def test_items_of_a_list_with_brackets_are_apart(read, language, listed, two, aside) -> None:
    # each partner and its role in brackets says its own thing: "informed" belongs to UNHCR, not the police
    for text in (listed, two):
        compiled, reading = read(language, text)
        told = {reading.segments[m.clause] for m in reading.matches[compiled.concept_ids["report_to"]]}
        police = {reading.segments[m.clause] for m in reading.matches[compiled.concept_ids["enforcement_body"]]}
        assert told and police and not told & police, text
    # one aside alone is not a list: the police, informed of the dates, is one statement
    compiled, reading = read(language, aside)
    assert len(set(reading.segments)) == 1


@pytest.mark.parametrize("language,in_groups,by_the_groups", [
    ("en", "Registration is done by group.", "Delegates chosen by the groups attend the meeting."),
    ("es", "El registro se hace por grupos.", "Los delegados elegidos por los grupos asisten a la reunión."),
    ("fr", "L'enregistrement se fait par groupe.", "Les délégués désignés par les groupes assistent à la réunion."),
])
def test_after_a_preposition_an_article_names_something_else(read, language, in_groups, by_the_groups) -> None:
    # "par groupe" handles people as a block; "par les groupes" says who chose the delegates
    compiled, reading = read(language, in_groups)
    assert compiled.concept_ids["collective"] in reading.matches
    compiled, reading = read(language, by_the_groups)
    assert compiled.concept_ids["collective"] not in reading.matches
    # a preposition that says a lack still reaches past an article: "sans le consentement"
    assert said(read, "fr", "Les dossiers sont transmis sans le consentement des familles.", "without_consent") \
        == {AFFIRMED}


def test_a_list_number_is_not_a_count(read) -> None:
    compiled, reading = read("fr", "5. Écoute psychosociale pour les jeunes rapatriés qui le demandent.")
    assert compiled.concept_ids["count"] not in reading.matches


@pytest.mark.parametrize("language,label,count", [
    ("en", "Objective 1: first aid on every return flight.", "Target: 500 families a month."),
    ("es", "Objetivo específico 1: primeros auxilios en cada vuelo de retorno.", "Meta: 500 familias al mes."),
    ("fr", "Objectif spécifique 1 : premiers secours à chaque vol de retour.", "Cible : 500 familles par mois."),
])
def test_the_number_of_a_label_is_not_a_count(read, language, label, count) -> None:
    assert said(read, language, label, "count") == set()
    assert said(read, language, count, "count") == {AFFIRMED}


@pytest.mark.parametrize("language,duration,count", [
    # a number before a unit of time counts time, not people: "for 60 days" is no target
    ("en", "The town keeps the place in the shelter for 60 days.", "The town keeps 60 places in the shelter."),
    ("es", "El municipio guarda la plaza en el albergue durante 60 días.", "El municipio guarda 60 plazas en el albergue."),
    ("fr", "La commune garde la place en hébergement pendant 60 jours.", "La commune garde 60 places en hébergement."),
])
def test_a_number_of_days_is_not_a_count(read, language, duration, count) -> None:
    assert said(read, language, duration, "count") == set()
    assert said(read, language, count, "count") == {AFFIRMED}


def test_hits_respect_near_order_unless_and_said_of(checker, read) -> None:
    compiled, tests, _ = checker.reader.compiled("en")
    spec = next(t for key, t in tests if key.startswith("people_served+consulted") and "said of" in key)
    _, reading = read("en", "Residents were not consulted on the design.")
    assert {h.polarity for h in hits(spec, reading)} == {NEGATED}
    _, reading = read("en", "We do not ask residents for papers, and residents were consulted.")
    assert {h.polarity for h in hits(spec, reading)} == {AFFIRMED}


@pytest.mark.parametrize("language, lead, text", [
    ("en", "What we will not do", "Register people as one group and interview only the sick."),
    ("es", "Lo que no haremos", "Registrar a las personas como un solo grupo y reservar las entrevistas a los enfermos."),
    ("fr", "Ce que nous ne ferons pas", "Enregistrer les personnes comme un seul groupe et réserver les entretiens aux malades."),
])
def test_said_done_asks_that_concept_be_said_as_done(checker, language, lead, text) -> None:
    # under "What we will not do" the interview and the group are both denied: without said_done the test "interview
    # not done, people handled as a group" would hold; with it, the group must be said as done
    compiled, tests, _ = checker.reader.compiled(language)
    spec = next(t for key, t in tests if key.startswith("interview+collective") and "said done" in key)
    reading = compiled.read(text, lead=lead)
    assert NEGATED in {h.polarity for h in hits(spec._replace(said_done=()), reading)}
    assert NEGATED not in {h.polarity for h in hits(spec, reading)}


@pytest.mark.parametrize("language, label, text", [
    ("en", 'The list marks each person "registered", "booked" or "declined".',
     "The list marks each person registered, booked or declined."),
    ("es", 'La lista marca a cada persona como "inscrita", "citada" o "rechazada".',
     "La lista marca a cada persona como inscrita, citada o rechazada."),
    ("fr", "La liste marque chaque personne « inscrite », « convoquée » ou « refusée ».",
     "La liste marque chaque personne inscrite, convoquée ou refusée."),
])
def test_a_quoted_label_of_a_word_or_two_is_mentioned_not_said(read, language, label, text) -> None:
    # "declined" in quotes names a status on a list; written without quotes, people are declined
    assert said(read, language, label, "exclusion") == set()
    assert said(read, language, text, "exclusion") == {AFFIRMED}


@pytest.mark.parametrize("language, text", [
    ("en", 'The "Think Twice" leaflets are handed out at the bus station.'),
    ("es", "Los folletos «Piénsalo dos veces» se reparten en la terminal."),
    ("fr", "Les dépliants « Ton avenir est ici » sont distribués à la gare routière."),
])
def test_a_quoted_name_in_capitals_still_says_what_it_is(read, language, text) -> None:
    # a campaign's name in quotes ("Think Twice") is its own and says what it aims at
    assert said(read, language, text, "stay_home") == {AFFIRMED}


def test_word_forms_come_from_the_dictionary_and_regular_endings() -> None:
    forms = word_forms("en", ["share", "refuse"])
    assert {"shared", "shares", "sharing"} <= set(forms["share"])
    assert {"refused", "refusing"} <= set(forms["refuse"])
    assert "partagées" not in word_forms("fr", ["partager"])["partager"]  # forms are folded
    assert "partagees" in word_forms("fr", ["partager"])["partager"]
    assert "band" not in word_forms("en", ["ban"])["ban"]


def test_compiled_terms_are_kept_between_runs_and_a_damaged_entry_is_ignored(checker, tmp_path, monkeypatch) -> None:
    from policy_engine.evaluation.reader import CompiledLanguage, _terms_path

    monkeypatch.setenv("POLICY_CHECK_CACHE_DIR", str(tmp_path))
    lexicon, names = checker.rule_set.lexicon, checker.reader.concept_names
    fresh = CompiledLanguage(lexicon, "fr", names, "digest-a")
    path = _terms_path("digest-a", "fr")
    assert path.is_file()
    again = CompiledLanguage(lexicon, "fr", names, "digest-a")
    # read back lazily (a check looks at few terms), the same terms in the same order
    assert list(again.terms) == list(fresh.terms) and again.first == fresh.first
    text = "Les listes ne sont jamais transmises à la préfecture."
    assert again.read(text).matches == fresh.read(text).matches
    path.write_text('{"sets": [], "terms": [["x", [[5, 0]], [], [], false]], "first": {}}', encoding="utf-8")
    repaired = CompiledLanguage(lexicon, "fr", names, "digest-a")  # index out of range: compiled again
    assert list(repaired.terms) == list(fresh.terms)


def test_a_lexicon_read_clean_is_kept_between_runs_and_a_damaged_entry_is_ignored(tmp_path, monkeypatch) -> None:
    from policy_engine.ruleset.lexicon import _lexicon_path, load_lexicon
    from policy_engine.resources import default_rules_dir

    monkeypatch.setenv("POLICY_CHECK_CACHE_DIR", str(tmp_path))
    base = default_rules_dir()
    fresh, problems = load_lexicon(base, "digest-b")
    assert problems == [] and _lexicon_path(base, "digest-b").is_file()
    again, _ = load_lexicon(base, "digest-b")
    assert again == fresh  # the same concepts and language cues, field by field
    _lexicon_path(base, "digest-b").write_text('{"languages": {"en": {"code": 1}}, "concepts": {}}', encoding="utf-8")
    repaired, _ = load_lexicon(base, "digest-b")  # a foreign entry: read from the files again
    assert repaired == fresh


def test_arabic_letters_written_onto_a_word_are_read_as_words(checker) -> None:
    """و، ف، ب، ل، ك and س are split off only when what is left is a word the concepts know; the
    article ال stays on its word; ل + ال is written لل; a pronoun suffix is dropped."""
    compiled = checker.reader.compiled("ar")[0]
    assert compiled.split("والتمويل بالشرطة للمهاجرين") == ["و", "التمويل", "ب", "الشرطه", "ل", "المهاجرين"]
    assert compiled.split("حمايتهم") == ["حمايه"]  # حماية + هم: the ة is written ت before the suffix
    # a word that only looks like prefix + word stays whole: وثيقة is not و + ثيقة
    assert compiled.split("وثيقة") == ["وثيقه"]


def test_arabic_script_is_folded_before_matching() -> None:
    from policy_engine.text.forms import fold

    assert fold("إقامة") == fold("اقامه") == "اقامه"        # hamza on alef, taa marbuta
    assert fold("مستشفى") == "مستشفي"                        # alef maqsura
    assert fold("الـمـهـاجـرين") == "المهاجرين"                # tatweel
    assert fold("الْمُهَاجِرِينَ") == "المهاجرين"               # short vowels
    assert fold("٢٠٢٤") == "2024"                            # Arabic-Indic digits


def test_arabic_section_headings_with_attached_letters(checker) -> None:
    sections = checker.rule_set.sections
    assert sections.topics_for("الفئات المستهدفة ومعايير الأهلية") == ("target_groups", "eligibility")
    assert sections.topics_for("٥. الشركاء والتمويل") == ("partners", "funding")
    assert sections.topics_for("حماية البيانات") == ("data_sharing",)
    assert sections.topics_for("مشاركة المهاجرين") == ("participation",)
    assert sections.topics_for("الرصد والتقييم") == ("monitoring",)


@pytest.mark.parametrize("heading, topics", [
    ("1. Situación", ("background",)), ("1. Situation", ("background",)), ("Situation actuelle", ("background",)),
    ("What this project is not", ("background",)), ("Lo que este proyecto no es", ("background",)),
    ("Ce que ce projet n'est pas", ("background",)),
    ("Ce que nous avons appris en 2020", ("lessons",)), ("Lo que hemos aprendido", ("lessons",)),
    ("What we have learned", ("lessons",)),
    # past practice the draft gives up, named with what was done ("what we did ... and will not do again")
    ("What we did in 2023–2024 and will not do again", ("lessons",)),
    ("Lo que hicimos en 2023 y no lo volveremos a hacer", ("lessons",)),
    ("Ce que nous avons fait en 2023 et ne referons plus", ("lessons",)),
    ("3. CE QUE NOUS AVONS CHANGÉ ET POURQUOI", ("lessons",)), ("Lo que hemos cambiado y por qué", ("lessons",)),
    ("What we have changed, and why", ("lessons",)),
    ("Ce que nous avons fait en 2024 et que nous arrêtons", ("lessons",)),
    ("Lo que hicimos en 2024 y que dejamos de hacer", ("lessons",)), ("What we did in 2024 and are stopping", ("lessons",)),
    ("1. Why now", ("background",)), ("Por qué ahora", ("background",)), ("Pourquoi maintenant", ("background",)),
])
def test_headings_that_describe_the_situation_or_lessons_read_as_context(checker, heading, topics) -> None:
    assert checker.rule_set.sections.topics_for(heading) == topics


@pytest.mark.parametrize("text,concept,expected", [
    # after a comma, English "that" opens what is said: the negation after it reaches the whole clause
    ("Remind everyone at the station, partners included, that no person here is without rights.", "no_rights",
     {NEGATED}),
    # without the comma it opens a relative clause, and its negation stays in it
    ("People that have no current visa can all apply to volunteer.", "staff_role", {AFFIRMED}),
])
def test_a_that_after_a_comma_is_no_relative(read, text, concept, expected) -> None:
    assert said(read, "en", text, concept) == expected


@pytest.mark.parametrize("text,expected", [
    # auxiliaries do not count in how far a negation stands from "who": it stays in the relative clause
    ("Passengers who say they are not Ethiopian, or fear for their safety, are referred to UNHCR if they agree.",
     {AFFIRMED}),
    # a negation farther into the clause than that is the main verb's
    ("Passengers who arrive at the airport late in the night are not referred to UNHCR.", {NEGATED}),
])
def test_a_negation_just_after_who_stays_in_its_clause(read, text, expected) -> None:
    assert said(read, "en", text, "refer_on") == expected


@pytest.mark.parametrize("language,text,concept,expected", [
    # a denial just before "only" lifts the restriction: what is restricted is said, the restriction denied
    ("en", "We no longer recruit only nationals as volunteers.", "recruitment", {AFFIRMED}),
    ("en", "We no longer recruit only nationals as volunteers.", "only_for", {NEGATED}),
    ("es", "Ya no reclutamos solo a nacionales como voluntarios.", "recruitment", {AFFIRMED}),
    ("fr", "Nous ne recrutons plus seulement des nationaux comme bénévoles.", "recruitment", {AFFIRMED}),
    # ... and when the "only" opens the clause of a denied verb, the verb stays denied and what follows is said
    ("en", "We have dropped the rule that only citizens can volunteer.", "recruitment", {AFFIRMED}),
    ("es", "Ya no exigimos que solo los ciudadanos puedan ser voluntarios.", "requirement", {NEGATED}),
    ("es", "Ya no exigimos que solo los ciudadanos puedan ser voluntarios.", "recruitment", {AFFIRMED}),
    ("fr", "Nous avons abandonné la règle selon laquelle seuls les citoyens pouvaient être bénévoles.", "recruitment",
     {AFFIRMED}),
    # without an "only", the denial reaches the verb as before
    ("en", "We no longer recruit nationals as volunteers.", "recruitment", {NEGATED}),
    ("es", "Ya no reclutamos a nacionales como voluntarios.", "recruitment", {NEGATED}),
    ("fr", "Nous ne recrutons plus de nationaux comme bénévoles.", "recruitment", {NEGATED}),
])
def test_a_denial_just_before_only_lifts_the_restriction(read, language, text, concept, expected) -> None:
    assert said(read, language, text, concept) == expected


@pytest.mark.parametrize("language,text", [
    # "nor" after a narrow negation adds to what is lacking; the verb after the list is said
    ("fr", "Une personne sans passeport ni carte d'identité est reçue comme les autres."),
    ("es", "Una persona sin pasaporte ni cédula es atendida igual."),
    ("en", "People without a passport nor an ID are served the same way."),
])
def test_nor_after_a_narrow_negation_adds_an_item(read, language, text) -> None:
    assert said(read, language, text, "let_in") == {AFFIRMED}
    assert said(read, language, text, "identity_document") == {NEGATED}


@pytest.mark.parametrize("language,text,expected", [
    # the same negation word again is a denial of its own: "it does not mean having no rights"
    ("es", "Pero eso no significa no tener derechos.", {NEGATED}),
    # the word that completes the negation is one denial with it
    ("es", "Una persona sin papeles no tiene ningún derecho.", {AFFIRMED}),
    ("fr", "Un sans-papiers n'a pas de droits.", {AFFIRMED}),
])
def test_a_second_negation_of_the_same_word_denies_the_first(read, language, text, expected) -> None:
    assert said(read, language, text, "no_rights") == expected


@pytest.mark.parametrize("language,text,expected", [
    # a denial of a phrase that denies affirms what the phrase holds: having rights
    ("es", "Pero eso no significa no tener derechos.", {AFFIRMED}),
    # one denial alone still denies it
    ("es", "Los migrantes sin papeles no tienen derechos.", {NEGATED}),
])
def test_a_denial_of_a_denying_phrase_affirms_what_it_holds(read, language, text, expected) -> None:
    assert said(read, language, text, "rights_bearer") == expected


@pytest.mark.parametrize("language,text,concept", [
    # "does not mean": what is denied is what the subject amounts to, not the subject
    ("en", "Accepting a referral from a public body does not mean we report back to it.", "referral"),
    ("es", "Aceptar una derivación de un organismo público no significa que le informemos.", "referral"),
    # ... and "depends on", "conditional on": the link is denied, what it links stands
    ("en", "A referral never depends on documents.", "referral"),
    ("en", "Referral is not conditional on papers.", "referral"),
    ("es", "La derivación nunca depende de los documentos.", "referral"),
    ("es", "La derivación no está condicionada a los papeles.", "referral"),
    ("fr", "L'orientation ne dépend jamais des papiers.", "referral"),
    ("fr", "L'orientation n'est jamais conditionnée aux papiers.", "referral"),
])
def test_a_negation_before_mean_leaves_the_subject_said(read, language, text, concept) -> None:
    assert said(read, language, text, concept) == {AFFIRMED}
    assert said(read, "en", "Referral to other services is not part of the project.", "referral") == {NEGATED}
    assert said(read, "fr", "L'orientation n'est jamais proposée.", "referral") == {NEGATED}
    assert said(read, "es", "La derivación nunca se ofrece.", "referral") == {NEGATED}


@pytest.mark.parametrize("language,heading,text,plain", [
    # a phrase that hides its own negation ("has no effect on access") says its polarity itself: a heading that
    # denies does not deny it (it still denies a sentence with no negation of its own)
    ("en", "What we do not do", "Asking about return has no effect on anyone's access to food aid, which stays open to all.",
     "Asking about return limits access to food aid."),
    ("es", "Lo que no hacemos", "Preguntar por el retorno no influye en el acceso a la ayuda alimentaria, que sigue abierta "
     "a todos.", "Preguntar por el retorno limita el acceso a la ayuda alimentaria."),
    ("fr", "Ce que nous ne faisons pas", "Parler du retour n'a aucune incidence sur l'accès à l'aide alimentaire, qui reste "
     "ouverte à tous.", "Parler du retour limite l'accès à l'aide alimentaire."),
])
def test_a_hidden_negation_is_the_sentences_own_under_a_denying_heading(read, language, heading, text, plain) -> None:
    assert said(read, language, text, "open_access", lead=heading) == {AFFIRMED}
    assert said(read, language, plain, "assistance", lead=heading) == {NEGATED}


@pytest.mark.parametrize("language,text", [
    # the last item of a list after a narrow negation may hold articles ("a visa or an entry stamp")
    ("en", "Kits are given without asking for a passport, a visa or an entry stamp, and without asking anyone's "
           "nationality."),
])
def test_a_narrow_negation_reaches_a_last_item_with_articles(read, language, text) -> None:
    assert said(read, language, text, "identity_document") == {NEGATED}


@pytest.mark.parametrize("language,text", [
    # a clause that opens on an attribution gives the clause before it to another body
    ("en", "The Falepili visa is only for Tuvaluan citizens, but that is a rule of the Australian Government."),
    ("es", "El visado Falepili es solo para ciudadanos tuvaluanos, pero esa es una regla del Gobierno australiano."),
    ("fr", "Le visa Falepili est réservé aux citoyens tuvaluans, mais c'est une règle du gouvernement australien."),
])
def test_an_attribution_gives_the_clause_before_to_another_body(read, language, text) -> None:
    compiled, reading = read(language, text)
    assert reading.stances[0] == REPORTED
    alone = text.split(",")[0] + "."
    assert read(language, alone)[1].stances[0] != REPORTED


@pytest.mark.parametrize("language,text", [
    # a full negation right after a narrow one is one lack with it: nothing else is denied
    ("fr", "Une personne accueillie sans aucun papier compte comme les autres."),
    ("es", "Se atiende a personas sin ningún documento, como a las demás."),
])
def test_a_negation_right_after_a_narrow_one_is_one_lack(read, language, text) -> None:
    assert said(read, language, text, "let_in") == {AFFIRMED}


@pytest.mark.parametrize("language,text,phrase,found", [
    # a short gap in a phrase holds no 'and' or 'or': "claim or that" reports nothing, "entry and stamps" is no stamp
    ("en", "Our help is not something they can claim or that we will defend.", "context", False),
    ("en", "Some officials claim that the rules changed.", "context", True),
])
def test_a_phrase_does_not_run_across_and_or(read, language, text, phrase, found) -> None:
    _, reading = read(language, text)
    assert any(kind == phrase for kind, _, _ in reading.cues) is found


@pytest.mark.parametrize("heading", ["Why this plan", "1. Por qué esta mesa", "Pourquoi cette permanence",
                                     "1. WHY WE ARE DOING THIS", "Por qué lo hacemos", "Pourquoi nous le faisons"])
def test_a_heading_that_asks_why_this_is_background(checker, heading) -> None:
    # "why this plan/desk/service": what the section says is the situation that calls for it
    assert "background" in checker.rule_set.sections.topics_for(heading)


@pytest.mark.parametrize("language,text,aside", [
    ("en", "Number of departures per quarter (target: 240)", "Departures per quarter (desert, sea crossing)"),
    ("es", "Número de salidas por trimestre (meta: 240)", "Salidas por trimestre (desierto, mar)"),
    ("fr", "Nombre de départs par trimestre (cible : 240)", "Départs par trimestre (désert, mer)"),
])
def test_a_bracketed_label_and_value_annotate_what_they_follow(read, language, text, aside) -> None:
    # "(target: 240)" says what the departures are to reach: no aside that stands apart from them
    compiled, reading = read(language, text)
    assert not any(reading.asides)
    # a bracket of other words is still an aside
    compiled, reading = read(language, aside)
    assert any(reading.asides)


@pytest.mark.parametrize("language,text", [
    ("en", "If an officer asks about a person we received, the volunteer refers them to the coordinator, who declines."),
    ("es", "Si un agente pregunta por una persona atendida, el voluntario lo deriva al coordinador, que se niega."),
    ("fr", "Si un agent demande des informations sur une personne reçue, le volontaire renvoie vers le coordinateur, "
           "qui refuse."),
])
def test_a_refused_condition_ends_before_the_clause_that_answers_it(read, language, text) -> None:
    # the officer's request is what is refused; sending the officer on to the coordinator is done
    assert said(read, language, text, "refer_on") == {AFFIRMED}


@pytest.mark.parametrize("language,reported,plan", [
    # what other organisations have documented is their report, not the programme's rule; the noun "document" is no
    # report ("el documento que acredita ...")
    ("en", "Several organisations have documented that people without papers are refused care at the hospital.",
     "Only people with a document that proves their address are registered."),
    ("es", "Varias organizaciones documentan que las personas sin papeles no reciben atención en el hospital.",
     "Solo se inscribe a las personas con el documento que acredita su domicilio."),
    ("fr", "Plusieurs associations documentent que les personnes sans papiers sont refusées à l'hôpital.",
     "Seules les personnes avec le document que délivre la mairie sont inscrites."),
])
def test_what_others_documented_is_reported(read, language, reported, plan) -> None:
    assert read(language, reported)[1].stances == ("reported",)
    assert "reported" not in read(language, plan)[1].stances


@pytest.mark.parametrize("language,text", [
    # a negation reaches on through "or" in every language, as it does in English: "we do not say that X or Y"
    ("en", "We never say that whoever crosses loses their rights or is outside the law."),
    ("es", "No decimos que quien cruza pierde sus derechos o queda fuera de la ley."),
    ("fr", "Nous ne disons pas que celui qui traverse perd ses droits ou est hors la loi."),
])
def test_a_negation_reaches_through_or(read, language, text) -> None:
    assert AFFIRMED not in said(read, language, text, "no_rights")


@pytest.mark.parametrize("heading, topics", [
    # a topic's word inside a longer phrase of another topic is that one's: a needs assessment is no monitoring
    ("Evaluación de necesidades", ("needs_assessment",)), ("Évaluation des besoins", ("needs_assessment",)),
    ("Needs assessment and evaluation", ("needs_assessment", "monitoring")), ("Suivi et évaluation", ("monitoring",)),
])
def test_a_heading_word_inside_a_longer_phrase_names_that_phrase_topic(checker, heading, topics) -> None:
    assert checker.rule_set.sections.topics_for(heading) == topics


@pytest.mark.parametrize("text,concept,expected", [
    # "N'Konni", "N'Djamena": an elided "n'" before a capital is part of a name, not a negation
    ("Les listes du poste de Birni N'Konni sont transmises à la police.", "share", {AFFIRMED}),
    ("Le bureau de N'Djamena transmet les listes à la police.", "share", {AFFIRMED}),
    # ... and a French negation is still one, at the start of a sentence too
    ("N'oubliez pas : les listes ne sont jamais transmises à la police.", "share", {NEGATED}),
    ("L'équipe n'enverra jamais les listes à la police.", "share", {NEGATED}),
])
def test_an_elided_n_before_a_capital_is_part_of_a_name(read, text: str, concept: str, expected: set[str]) -> None:
    assert said(read, "fr", text, concept) == expected


@pytest.mark.parametrize("text, told", [
    # in a section that tells the situation, a simple past tells what was done, even what the programme did
    ("Our volunteers asked every family for a passport.", True),
    ("The branch sent the daily sheet to the border police.", True),
    ("Our team shared the names of residents with the immigration office.", True),
    # ... not a present passive or perfect, whose participle is no past ("is required", "have shared")
    ("Our desk is required to ask every patient for an identity card.", False),
    ("Our team has shared the names of residents with the immigration office.", False),
    ("Our desk asks every patient for an identity card.", False),
])
def test_an_english_simple_past_in_a_context_section_tells_what_was_done(read, text: str, told: bool) -> None:
    assert (read("en", text, context=True)[1].stances == ("background",)) == told
    # in the plan it is still how the programme was made or works
    assert read("en", text)[1].stances == ("plan",)


@pytest.mark.parametrize("language, text", [
    # a comma and 'and' close a relative clause: the past after them is the main clause's
    ("en", "Some services serve only people who had signed up for return, and in 2017 our desk asked patients for an "
           "identity card."),
    ("es", "Algunos servicios atienden solo a quienes se habían inscrito para el retorno, y en 2017 nuestra oficina "
           "pidió la cédula a los pacientes."),
    ("fr", "Certains services ne servent que ceux qui s'étaient inscrits au retour, et en 2017 notre bureau demandait "
           "une carte d'identité aux patients."),
])
def test_a_past_after_a_relative_clause_and_its_and_tells_what_was_done(read, language: str, text: str) -> None:
    assert read(language, text, context=True)[1].stances == ("background",)
