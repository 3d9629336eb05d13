"""Plain text, shared by the rule set and the reading of drafts: normalising, sentences and text patterns
(textscan), and the word forms a concept word counts in (forms). Nothing here knows a rule."""
