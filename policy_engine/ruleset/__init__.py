"""The rule set: the rule folder loaded, validated and indexed (rules), its policy (policy.yaml), its
concepts and language cues (lexicon), the words of a prose test (prose), the heading-to-topic map
(sections), where in the YAML each rule and concept is written (rulesrc), and the one walker of
the JSON Schemas (schemas)."""
