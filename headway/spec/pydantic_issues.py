"""Turn pydantic's validation errors into spec issues a person can act on."""

from __future__ import annotations

import re
import types
import typing
from enum import Enum
from typing import Any

from pydantic import BaseModel, ValidationError

from headway.spec.issues import Issue, PathPart, choices_hint, render_path
from headway.spec.yamlpos import Located

_TYPE_WORDS = {
    "string_type": "a string",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "date_type": "a date (YYYY-MM-DD)",
    "date_parsing": "a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "a date (YYYY-MM-DD)",
}


def issues_from_validation(
    error: ValidationError, model: type[BaseModel], doc: Located, prefix: tuple[PathPart, ...]
) -> list[Issue]:
    out = []
    for item in error.errors():
        loc = tuple(p for p in item["loc"] if isinstance(p, int) or not _is_tag(p))
        path = (*prefix, *loc)
        message, hint = _explain(item, model, loc)
        out.append(Issue(doc.file, doc.line(path), render_path(path), message, hint, code=item["type"]))
    return out


def _is_tag(part: str) -> bool:
    return "[" in part or part in {"str", "none", "int", "float", "bool", "list", "dict"}


def _explain(item: Any, model: type[BaseModel], loc: tuple[PathPart, ...]) -> tuple[str, str]:
    kind, value = item["type"], item.get("input")
    name = next((str(p) for p in reversed(loc) if isinstance(p, str)), "value")
    if item["loc"] and item["loc"][-1] == "[key]":  # a mapping key such as a column name
        name = f"name under {loc[-2]}" if len(loc) > 1 else "name"
    elif loc and isinstance(loc[-1], int):  # an entry of a list such as counter_metrics
        name = f"entry in {name}"
    if kind == "extra_forbidden":
        owner = _model_at(model, loc[:-1])
        fields = [f.alias or n for n, f in owner.model_fields.items()] if owner else []  # as written: `from`
        return f"unknown field '{name}'", choices_hint(name, fields, "a known field")
    if kind == "missing":
        return f"missing required field '{name}'", _missing_hint(model, loc)
    if kind == "enum":
        allowed = item.get("ctx", {}).get("expected", "")
        choices = [c.strip().strip("'") for c in allowed.replace(" or ", ",").split(",") if c.strip()]
        return f"'{value}' is not a valid {name}", choices_hint(str(value), choices)
    if kind == "string_pattern_mismatch":
        return _pattern_mismatch(item, value, name)
    if kind in _TYPE_WORDS:
        return f"expected {_TYPE_WORDS[kind]}, got {_show(value)}", ""
    if kind == "value_error":
        return str(item.get("ctx", {}).get("error", item["msg"])), ""
    return f"{item['msg'].rstrip('.')} (got {_show(value)})", ""


def _pattern_mismatch(item: Any, value: Any, name: str) -> tuple[str, str]:
    words = re.fullmatch(r"\^\(([\w|]+)\)\$", str(item.get("ctx", {}).get("pattern", "")))
    if words:  # a closed list written as a pattern, e.g. ^(parquet|csv)$
        return f"'{value}' is not a valid {name}", choices_hint(str(value), words.group(1).split("|"))
    return (
        f"'{value}' is not a valid {name}",
        "Use letters, digits and underscores, starting with a letter (e.g. paid_mrr).",
    )


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    return repr(value)


def _missing_hint(model: type[BaseModel], loc: tuple[PathPart, ...]) -> str:
    owner = _model_at(model, loc[:-1])
    if owner is None or not isinstance(loc[-1], str) or loc[-1] not in owner.model_fields:
        return ""
    enum = _enum_of(owner.model_fields[loc[-1]].annotation)
    if enum is not None:
        return f"Add {loc[-1]}: one of {', '.join(str(e.value) for e in enum)}."
    return f"Add `{loc[-1]}:` here."


def _model_at(model: type[BaseModel], loc: tuple[PathPart, ...]) -> type[BaseModel] | None:
    current: Any = model
    is_key = False
    for part in loc:
        if isinstance(part, int) or is_key:  # a list index, or a key of a mapping such as `columns`
            is_key = False
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)) or part not in current.model_fields:
            return None
        annotation = current.model_fields[part].annotation
        is_key = _is_mapping(annotation)
        current = _inner_model(annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _is_mapping(annotation: Any) -> bool:
    options = (annotation, *typing.get_args(annotation))
    return any(typing.get_origin(a) is dict for a in options)


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _enum_of(annotation: Any) -> type[Enum] | None:
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return annotation
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is not None:
        for arg in typing.get_args(annotation):
            found = _enum_of(arg)
            if found is not None:
                return found
    return None
