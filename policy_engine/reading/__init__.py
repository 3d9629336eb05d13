"""Reading drafts: a file (YAML, JSON, Markdown, text, Word) becomes a Document of units, each with its
section topics and language. Word XML (drafts), cleaning (cleantext), language (language), and the
document itself (documents), which reads headings with the rule folder's sections."""
