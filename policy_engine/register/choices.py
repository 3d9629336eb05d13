"""The register commands' choices, apart from the queries so that `import cli` (every `check`) does not
import SQLAlchemy: the register's code is loaded only when a register command runs."""

PER = ("region", "country", "organisation", "round", "all")
BY = ("principle", "article")
LEVELS = {"violation": ("violation",), "warning": ("violation", "warning")}
FORMATS = ("text", "csv", "json")
