"""JSON Schemas in one place: walked (a `$ref` resolved, a field followed through `properties` and list
`items`, every field listed) and applied to a YAML file (each mistake with its line).

The programme schema (policy_engine/schemas/programme.schema.json) says which fields a draft has. The rule
loader asks it whether a rule's `field` exists and what it may hold, lint whether a field can hold text,
the programme-format documentation lists its fields, and the reader's quick validity check follows its
references: all of them walk it with these functions. Only local references (`#/$defs/name`, the
only kind our schemas use) are followed; a node with any other reference is left as it is.

Rule files and the policy file are checked against their schemas here (schema_problems), so that a
mistake in either is worded and located the same way: file, line and column, the key path, a hint.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any, Iterator, NamedTuple

from ..files.yamlsrc import Located, did_you_mean, join, locate
from ..resources import schema

if TYPE_CHECKING:
    import jsonschema

Node = dict[str, Any]
LOCAL_REF = "#/$defs/"
_MAX_HOPS = 32  # references to references; a loop ends here, unresolved


def programme_schema() -> Node:
    return schema("programme")


def resolve(node: Node, root: Node | None = None) -> Node:
    """The node a local reference points to (through references to references), else the node itself.

    Args:
        root: the schema holding the `$defs` (default: the programme schema).
    """
    ref = node.get("$ref")
    if not isinstance(ref, str):
        return node
    defs = (root if root is not None else programme_schema()).get("$defs") or {}
    for _ in range(_MAX_HOPS):
        if not isinstance(ref, str) or not ref.startswith(LOCAL_REF):
            return node
        target = defs.get(ref[len(LOCAL_REF):])
        if not isinstance(target, dict):
            return node
        node, ref = target, target.get("$ref")
        if ref is None:
            return node
    return node


def list_item(node: Node, root: Node | None = None) -> Node:
    """What a list holds (through lists of lists), resolved; any other node resolved."""
    node = resolve(node, root)
    while node.get("type") == "array":
        node = resolve(node.get("items", {}), root)
    return node


def properties(node: Node, root: Node | None = None) -> dict[str, Node]:
    """The fields of a mapping (or of the mappings a list holds), as declared (not resolved)."""
    return list_item(node, root).get("properties", {})  # type: ignore[no-any-return]


def node_at(path: str, base: Node | None = None, root: Node | None = None) -> Node | None:
    """The resolved node of a dotted field path ('partners.type': list items are stepped through), or None.

    Args:
        base: where the path starts (default: the whole programme schema), e.g. a list's item.
    """
    node = base if base is not None else programme_schema()
    for part in path.split("."):
        fields = properties(node, root)
        if part not in fields:
            return None
        node = fields[part]
    return resolve(node, root)


class Field(NamedTuple):
    path: str        # dotted; a list's name is followed by list_mark ('partners[].type' in the docs)
    declared: Node   # as written under 'properties': its own description, perhaps a $ref
    node: Node       # resolved


def walk(base: Node | None = None, root: Node | None = None, list_mark: str = "", prefix: str = "",
         ) -> Iterator[Field]:
    """Every field under base, in schema order, each followed by the fields inside it (those of a
    mapping, or of the mappings a list holds).

    Args:
        base: where to start (default: the whole programme schema).
        list_mark: written after a list's name before the fields of its items.
    """
    for name, declared in properties(base if base is not None else programme_schema(), root).items():
        node = resolve(declared, root)
        path = prefix + name
        yield Field(path, declared, node)
        if node.get("type") == "array":
            yield from walk(node, root, list_mark, path + list_mark + ".")
        elif node.get("properties"):
            yield from walk(node, root, list_mark, path + ".")


def field_paths(base: Node | None = None, root: Node | None = None) -> list[str]:
    """Every dotted field path under base (list items stepped through), sorted."""
    return sorted(field.path for field in walk(base, root))


def is_object_list(node: Node | None, root: Node | None = None) -> bool:
    return bool(node and node.get("type") == "array" and list_item(node, root).get("type") == "object")


def is_scalar_list(node: Node | None, root: Node | None = None) -> bool:
    return bool(node and node.get("type") == "array" and not is_object_list(node, root))


# ---- a YAML file checked against a schema ----------------------------------------------------------

def make_validator(root: Node) -> jsonschema.protocols.Validator:
    import jsonschema  # only data not yet validated needs it (about 40 ms to import)

    return jsonschema.validators.validator_for(root)(root)


@lru_cache(maxsize=None)
def validator(name: str) -> jsonschema.protocols.Validator:
    """The validator of a schema shipped in policy_engine/schemas ('programme', 'policy')."""
    return make_validator(schema(name))


def json_view(data: Any) -> Any:
    """YAML data as JSON (and an editor) sees it: every mapping key is text ('1:' is "1")."""
    if isinstance(data, dict):
        return {str(key): json_view(value) for key, value in data.items()}
    if isinstance(data, list):
        return [json_view(value) for value in data]
    return data


class SchemaProblem(NamedTuple):
    path: str              # the key path of the value at fault ('principles.3.title'), '' for the top
    line: int | None
    column: int | None
    message: str
    hint: str | None
    error: Any             # the jsonschema error, for callers that word some mistakes themselves


def schema_problems(check: jsonschema.protocols.Validator, data: Any, located: Located) -> Iterator[SchemaProblem]:
    """Every way data departs from the schema, located in its YAML file: an unknown key is named
    (with the allowed ones and the closest), a value outside a list is shown with the list, and a
    key that breaks the schema's rule for names (propertyNames) is pointed at itself."""
    for error in check.iter_errors(data):
        path = ""
        for part in error.absolute_path:
            path = join(path, part)
        line, column = locate(located, path)
        hint = None
        message = error.message
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            extra = sorted(set(error.instance) - set(error.schema.get("properties", {})), key=str)
            allowed = sorted(error.schema.get("properties", {}))
            message = f"unknown key '{extra[0]}' (allowed: {', '.join(allowed)})"
            line = located.lines.get(join(path, extra[0]), line)
            column = located.columns.get(join(path, extra[0]), column)
            hint = did_you_mean(extra[0], allowed)
        elif error.validator == "enum":
            message = f"{error.instance!r} is not one of {', '.join(map(str, error.validator_value))}"
        elif "propertyNames" in error.schema_path:
            line = located.lines.get(join(path, str(error.instance)), line)
            column = located.columns.get(join(path, str(error.instance)), column)
        yield SchemaProblem(path, line, column, message, hint, error)
