"""The field-by-field reference of the programme schema in docs/programme-format.md, generated from the
schema itself, so that the two cannot drift apart (tests/test_readme.py checks it).
Run: python -m policy_engine.authoring.schemadoc"""

from __future__ import annotations

from typing import Any, Iterator

from ..resources import schema


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    return schema("programme")["$defs"][ref.split("/")[-1]] if ref else node


def _type(node: dict[str, Any]) -> str:
    node = _resolve(node)
    if "enum" in node:
        return "one of: " + ", ".join(f"`{v}`" for v in node["enum"])
    kind = node.get("type", "")
    if kind == "array":
        items = _resolve(node.get("items", {}))
        return "list of items" if items.get("type") == "object" else f"list of {_type(items)}"
    return {"string": "text", "boolean": "true/false", "number": "number", "object": "mapping"}.get(kind, kind)


def rows(node: dict[str, Any] | None = None, prefix: str = "") -> Iterator[tuple[str, str, str]]:
    node = _resolve(node or schema("programme"))
    for name, child in node.get("properties", {}).items():
        child_r = _resolve(child)
        path = f"{prefix}{name}"
        description = child.get("description") or child_r.get("description") or ""
        yield path, _type(child), description
        if child_r.get("type") == "object":
            yield from rows(child_r, path + ".")
        elif child_r.get("type") == "array" and _resolve(child_r.get("items", {})).get("type") == "object":
            yield from rows(_resolve(child_r["items"]), path + "[].")


def markdown() -> str:
    lines = ["| field | type | meaning |", "|---|---|---|"]
    for path, kind, description in rows():
        lines.append(f"| `{path}` | {kind} | {description.replace('|', '/')} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
