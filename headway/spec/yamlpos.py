"""YAML with line numbers: plain Python data plus a map from path to line.

PyYAML's composer already knows where every node starts; we keep that
position for each path so that any later stage (pydantic, reference checks)
can name the line a problem is on.
"""

from __future__ import annotations

from typing import Any

import yaml

from headway.spec.issues import Issue, PathPart, render_path
from headway.spec.located import Located

try:  # the C composer is much faster on large specs; fall back when absent
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader

__all__ = ["Located", "load_yaml"]  # Located lives in located.py, which imports no YAML (the spec cache reads it)


MAX_DEPTH = 40  # nesting levels; the spec itself needs fewer than ten
MAX_NODES = 200_000  # values after aliases are expanded; the demo's largest file has ~3,000


class _TooBig(Exception):
    def __init__(self, line: int, message: str, hint: str):
        super().__init__(message)
        self.line, self.message, self.hint = line, message, hint


class _Builder:
    def __init__(self, file: str, text: str):
        self.file = file
        self.text = text
        self.lines: dict[tuple[PathPart, ...], int] = {}
        self.issues: list[Issue] = []
        self._scalar = yaml.SafeLoader("")
        self._built = 0

    def build(self, node: yaml.Node, path: tuple[PathPart, ...]) -> Any:
        """Python data for `node`; each alias is expanded again, so both depth and total size are bounded."""
        self._built += 1
        line = node.start_mark.line + 1
        if len(path) > MAX_DEPTH:
            raise _TooBig(
                line,
                f"nested more than {MAX_DEPTH} levels deep (or an alias refers to itself)",
                "A spec needs only a few levels; check the anchors (&) and aliases (*) here.",
            )
        if self._built > MAX_NODES:
            raise _TooBig(
                line,
                f"the file expands to more than {MAX_NODES:,} values (aliases repeat what they refer to)",
                "Use fewer or smaller aliases, or split the file.",
            )
        self.lines[path] = line
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, (*path, i)) for i, child in enumerate(node.value)]
        return self._value(node)

    def _value(self, node: yaml.Node) -> Any:
        try:
            return self._scalar.construct_object(node, deep=True)  # type: ignore[no-untyped-call]
        except ValueError:  # looks like a date but is not one (2025-13-01): keep the text for the model to refuse
            return node.value

    def _mapping(self, node: yaml.MappingNode, path: tuple[PathPart, ...]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self._value(key_node)
            if not isinstance(key, str):
                key = str(key)
            if key in out:
                self.issues.append(
                    Issue(
                        self.file,
                        key_node.start_mark.line + 1,
                        render_path((*path, key)),
                        f"duplicate key '{key}'",
                        "Each key may appear once per mapping; remove or rename one of them.",
                        code="duplicate_key",
                    )
                )
            child_path = (*path, key)
            out[key] = self.build(value_node, child_path)
            self.lines[child_path] = key_node.start_mark.line + 1
        return out


def load_yaml(file: str, text: str) -> tuple[Located | None, list[Issue]]:
    """Parse one YAML document; syntax errors become issues, never exceptions."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark and exc.problem_mark and exc.problem_mark.index >= len(text.rstrip()):
            mark = exc.context_mark  # the file ended inside a quote or bracket: point at where it opened
        line = mark.line + 1 if mark else 1
        problem = exc.problem or "invalid YAML"
        context = f" {exc.context}" if exc.context else ""
        return None, [
            Issue(
                file,
                line,
                "",
                f"YAML syntax error: {problem}{context}",
                "Check indentation and quoting on this line; strings with ':' or '#' need quotes.",
                code="yaml_syntax",
            )
        ]
    except yaml.YAMLError as exc:
        return None, [Issue(file, 1, "", f"YAML error: {exc}", code="yaml_syntax")]
    except RecursionError:
        return None, [
            Issue(
                file,
                1,
                "",
                f"nested more than {MAX_DEPTH} levels deep",
                "A spec needs only a few levels.",
                code="yaml_limit",
            )
        ]
    if node is None:
        return Located(file, None, {(): 1}), []
    builder = _Builder(file, text)
    try:
        data = builder.build(node, ())
    except _TooBig as exc:
        return None, [Issue(file, exc.line, "", exc.message, exc.hint, code="yaml_limit")]
    except yaml.constructor.ConstructorError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 1
        return None, [Issue(file, line, "", f"YAML error: {exc.problem}", code="yaml_syntax")]
    return Located(file, data, builder.lines), builder.issues
