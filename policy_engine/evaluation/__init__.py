"""Evaluation: a Document against a rule set. The checker (checker) reads the prose (prose, reader),
compiles the rules to engine conditions and builds the facts (compiler), and asks durable_rules through
engine, the only module that imports it."""
