"""The field-by-field reference of the programme schema in docs/programme-format.md, generated from the
schema itself, so that the two cannot drift apart (tests/test_readme.py checks it).
Run: python -m policy_engine.authoring.schemadoc"""

from __future__ import annotations

from typing import Any, Iterator

from ..ruleset.schemas import list_item, resolve, walk


def _type(node: dict[str, Any]) -> str:
    node = resolve(node)
    if "enum" in node:
        synonyms = node.get("x-synonyms") or {}
        also = " (also read: " + ", ".join(f"`{k}` as `{v}`" for k, v in synonyms.items()) + ")" if synonyms else ""
        return "one of: " + ", ".join(f"`{v}`" for v in node["enum"]) + also
    kind = node.get("type", "")
    if kind == "array":
        items = list_item(node)
        return "list of items" if items.get("type") == "object" else f"list of {_type(items)}"
    return {"string": "text", "boolean": "true/false", "number": "number", "object": "mapping"}.get(kind, kind)


def rows() -> Iterator[tuple[str, str, str]]:
    """(field, type, meaning) for every field, in schema order; a list's item fields as 'list[].field'."""
    for field in walk(list_mark="[]"):
        yield field.path, _type(field.declared), field.declared.get("description") or field.node.get("description") or ""


def markdown() -> str:
    lines = ["| field | type | meaning |", "|---|---|---|"]
    for path, kind, description in rows():
        lines.append(f"| `{path}` | {kind} | {description.replace('|', '/')} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
