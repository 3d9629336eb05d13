"""Files in and out, for every stage: size-limited reading and decoding (inputfile), atomic writes (atomic),
YAML with line numbers (yamlsrc), and the on-disk cache of parsed rule-folder files (cache)."""
