"""policy-check: check humanitarian programme descriptions against the IFRC Policy on Migration (2009).

Packages by stage; each imports only from those below it (checked by import-linter, see pyproject.toml):

    cli, __main__, config         the command line
    register                      review rounds across submissions
    console                       printing for the commands
    authoring | batch             lint, rule tests, coverage, handbook, explain, suggest | audit of many drafts
    evaluation | reports          checker, compiler, prose reader, engine | report formats (fed findings only)
    findings                      a draft's result, waivers, baseline, rule selection
    reading                       a file becomes a Document
    ruleset                       the rule folder: rules, policy, concepts, language cues, sections
    text                          normalising, sentences, text patterns, word forms
    files                         input, atomic writes, YAML with lines, the cache
    errors, model, resources, startup

Siblings (|) never import each other; evaluation/engine.py is the only module that imports durable_rules.
"""

__version__ = "0.1.0"
