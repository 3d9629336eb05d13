"""The one walker of our JSON Schemas (ruleset/schemas.py): references, fields through lists, every field."""

from __future__ import annotations

from policy_engine.ruleset import schemas

ROOT = {
    "$defs": {
        "text": {"type": "string", "description": "words"},
        "alias": {"$ref": "#/$defs/text"},
        "loop": {"$ref": "#/$defs/loop"},
        "party": {"type": "object", "properties": {"name": {"$ref": "#/$defs/alias"}, "kind": {"enum": ["a", "b"]}}},
    },
    "type": "object",
    "properties": {
        "title": {"$ref": "#/$defs/text", "description": "the title"},
        "parties": {"type": "array", "items": {"$ref": "#/$defs/party"}},
        "tags": {"type": "array", "items": {"type": "string"}},
        "odd": {"$ref": "other.json#/x"},
        "loop": {"$ref": "#/$defs/loop"},
    },
}


def test_references_are_followed_through_references() -> None:
    assert schemas.resolve({"$ref": "#/$defs/alias"}, ROOT) == {"type": "string", "description": "words"}
    assert schemas.resolve({"type": "string"}, ROOT) == {"type": "string"}


def test_references_that_cannot_be_followed_are_left_as_they_are() -> None:
    odd = {"$ref": "other.json#/x"}
    assert schemas.resolve(odd, ROOT) is odd
    assert schemas.resolve({"$ref": "#/$defs/missing"}, ROOT) == {"$ref": "#/$defs/missing"}
    assert "$ref" in schemas.resolve({"$ref": "#/$defs/loop"}, ROOT)  # a loop ends, unresolved


def test_a_field_path_steps_through_list_items() -> None:
    assert schemas.node_at("parties.name", ROOT, ROOT) == {"type": "string", "description": "words"}
    assert schemas.node_at("parties.kind", ROOT, ROOT) == {"enum": ["a", "b"]}
    assert schemas.node_at("parties.age", ROOT, ROOT) is None
    assert schemas.is_object_list(schemas.node_at("parties", ROOT, ROOT), ROOT)
    assert schemas.is_scalar_list(schemas.node_at("tags", ROOT, ROOT), ROOT)


def test_every_field_in_schema_order_and_sorted() -> None:
    walked = [(f.path, f.declared.get("description"), f.node.get("description"))
              for f in schemas.walk(ROOT, ROOT, list_mark="[]")]
    assert walked == [("title", "the title", "words"), ("parties", None, None), ("parties[].name", None, "words"),
                      ("parties[].kind", None, None), ("tags", None, None), ("odd", None, None), ("loop", None, None)]
    assert schemas.field_paths(ROOT, ROOT) == ["loop", "odd", "parties", "parties.kind", "parties.name", "tags",
                                               "title"]


def test_the_programme_schema_is_the_default() -> None:
    assert schemas.node_at("needs_assessment.done")["type"] == "boolean"
    assert "partners.type" in schemas.field_paths()
