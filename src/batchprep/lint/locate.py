"""Where a JSON pointer (and a character of a string there) is in the text of a JSON or YAML file.

The checks speak JSON pointers into the REST body (`/resourceFiles/1/filePath`); editors, GitHub
annotations and SARIF want a line and a column. `Locator` finds them: the line and column of a
property's key (of an array item, of the document for `""`), and for a problem inside a string (a
`$VAR` in the command line) the very character, through JSON escapes and YAML quoting. Lines and
columns count from 1; columns count characters (Unicode code points). A pointer to a property that is
missing points at the nearest object that is there. For text that cannot be read at all,
`syntax_error` gives the place of the mistake.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

__all__ = ["Locator"]

_JSON_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_YAML_ESCAPE_LENGTHS = {"x": 4, "u": 6, "U": 10}


@dataclass(frozen=True)
class _Place:
    """Where a value is: its start, the start of its key (members), and a map of its string characters."""

    start: int
    key: int | None
    chars: tuple[int, ...] | None  # for a string: the text index of each of its characters
    end: int | None = None  # for a YAML scalar: where its text ends


class Locator:
    """Line and column of JSON pointers in one file's text.

    Args:
        text: The file's text.
        syntax: `"json"` or `"yaml"`. Text that cannot be read gives no places (every lookup `None`).
    """

    def __init__(self, text: str, syntax: str = "json") -> None:
        self.text = text
        self.syntax = syntax
        self._line_starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
        try:
            self._places = _yaml_places(text) if syntax == "yaml" else _json_places(text)
        except Exception:  # noqa: BLE001 - positions are a courtesy: never fail a check for them
            self._places = {}

    def position(self, index: int) -> tuple[int, int]:
        """Line and column (from 1) of a text index."""
        lo, hi = 0, len(self._line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self._line_starts[mid] <= index:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1, index - self._line_starts[lo] + 1

    def locate(self, path: str, offset: int | None = None) -> tuple[int, int] | None:
        """Line and column for a JSON pointer; with `offset`, of that character of the string there."""
        if not self._places:
            return None
        tokens = [t.replace("~1", "/").replace("~0", "~") for t in path.split("/")[1:]] if path else []
        place = None
        for end in range(len(tokens), -1, -1):
            place = self._places.get(tuple(tokens[:end]))
            if place is not None:
                exact = end == len(tokens)
                break
        if place is None:
            return None
        if exact and offset is not None and place.chars is not None and 0 <= offset < len(place.chars):
            return self.position(place.chars[offset])
        return self.position(place.key if place.key is not None else place.start)


    def syntax_error(self) -> tuple[int, int] | None:
        """Line and column (from 1) of the mistake that makes the text no JSON (or no YAML), or None.

        None as well for text that parses: a document that is no object, or nests too deeply, is
        wrong as a whole, not at a place. Called only for a document that could not be read, so the
        text is parsed again then, and only then.
        """
        if self.syntax == "yaml":
            return self._yaml_error()
        stripped = self.text.lstrip("\ufeff")  # as the reader does: a byte order mark is no mistake
        try:
            json.loads(stripped)
        except json.JSONDecodeError as err:
            skipped = len(self.text) - len(stripped)
            return err.lineno, err.colno + (skipped if err.lineno == 1 else 0)
        except (ValueError, RecursionError):
            return None
        return None

    def _yaml_error(self) -> tuple[int, int] | None:
        import yaml

        try:
            yaml.safe_load(self.text)
        except yaml.MarkedYAMLError as err:
            mark = err.problem_mark or err.context_mark
            return (mark.line + 1, mark.column + 1) if mark is not None else None
        except yaml.reader.ReaderError as err:  # a character YAML does not allow
            return self.position(err.position)
        except (yaml.YAMLError, ValueError, RecursionError):
            return None
        return None

    def source(self, path: str) -> str | None:
        """The text a YAML scalar at a JSON pointer was written as (``0755`` for the number 493), or None."""
        tokens = [t.replace("~1", "/").replace("~0", "~") for t in path.split("/")[1:]] if path else []
        place = self._places.get(tuple(tokens))
        if place is None or place.end is None:
            return None
        return self.text[place.start : place.end]


# --- JSON ---------------------------------------------------------------------------------------------


def _json_places(text: str) -> dict[tuple[str, ...], _Place]:
    places: dict[tuple[str, ...], _Place] = {}
    decoder = json.JSONDecoder()
    n = len(text)

    def skip(i: int) -> int:
        while i < n and text[i] in " \t\r\n\ufeff":
            i += 1
        return i

    def string(i: int) -> tuple[str, int, tuple[int, ...]]:
        """The string whose quote is at i: its value, the index after it, each character's index."""
        chars: list[int] = []
        out: list[str] = []
        k = i + 1
        while text[k] != '"':
            if text[k] == "\\":
                e = text[k + 1]
                if e == "u":
                    code = int(text[k + 2 : k + 6], 16)
                    width = 6
                    if 0xD800 <= code < 0xDC00 and text[k + 6 : k + 8] == "\\u":
                        low = int(text[k + 8 : k + 12], 16)
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        width = 12
                    out.append(chr(code))
                    chars.append(k)
                    k += width
                else:
                    out.append(_JSON_ESCAPES[e])
                    chars.append(k)
                    k += 2
            else:
                out.append(text[k])
                chars.append(k)
                k += 1
        return "".join(out), k + 1, tuple(chars)

    def value(i: int, path: tuple[str, ...], key: int | None) -> int:
        i = skip(i)
        c = text[i]
        if c == "{":
            places[path] = _Place(i, key, None)
            i = skip(i + 1)
            if text[i] == "}":
                return i + 1
            while True:
                i = skip(i)
                name, after, _ = string(i)
                colon = skip(after)
                i = skip(value(colon + 1, (*path, name), i))
                if text[i] == "}":
                    return i + 1
                i += 1  # the comma
        if c == "[":
            places[path] = _Place(i, key, None)
            i = skip(i + 1)
            if text[i] == "]":
                return i + 1
            index = 0
            while True:
                i = skip(value(i, (*path, str(index)), None))
                index += 1
                if text[i] == "]":
                    return i + 1
                i += 1
        if c == '"':
            _, after, chars = string(i)
            places[path] = _Place(i, key, chars)
            return after
        _, end = decoder.raw_decode(text, i)
        places[path] = _Place(i, key, None)
        return end

    value(0, (), None)
    return places


# --- YAML ---------------------------------------------------------------------------------------------


def _yaml_places(text: str) -> dict[tuple[str, ...], _Place]:
    import yaml  # only for YAML files: PyYAML is optional

    places: dict[tuple[str, ...], _Place] = {}
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if root is None:
        return places

    def walk(node: Any, path: tuple[str, ...], key: int | None) -> None:
        if isinstance(node, yaml.MappingNode):
            places[path] = _Place(node.start_mark.index, key, None)
            for k, v in node.value:
                name = k.value if isinstance(k, yaml.ScalarNode) else None
                if name is not None:
                    walk(v, (*path, str(name)), k.start_mark.index)
        elif isinstance(node, yaml.SequenceNode):
            places[path] = _Place(node.start_mark.index, key, None)
            for index, item in enumerate(node.value):
                walk(item, (*path, str(index)), None)
        else:
            places[path] = _Place(node.start_mark.index, key, _yaml_chars(text, node), node.end_mark.index)

    walk(root, (), None)
    return places


def _yaml_chars(text: str, node: Any) -> tuple[int, ...] | None:
    """Each character's text index for a scalar on one line (plain or quoted) or a literal block."""
    start, end, value, style = node.start_mark.index, node.end_mark.index, node.value, node.style
    if not isinstance(value, str):
        return None
    chars: list[int] = []
    if style is None and node.start_mark.line == node.end_mark.line:
        chars = list(range(start, start + len(value)))
    elif style == "'" and node.start_mark.line == node.end_mark.line:
        k = start + 1
        while k < end - 1:
            chars.append(k)
            k += 2 if text.startswith("''", k) else 1
    elif style == '"' and node.start_mark.line == node.end_mark.line:
        k = start + 1
        while k < end - 1:
            chars.append(k)
            if text[k] == "\\":
                k += _YAML_ESCAPE_LENGTHS.get(text[k + 1], 2)
            else:
                k += 1
    elif style == "|":
        k = text.index("\n", start) + 1
        lines = text[k:end].split("\n")
        indent = min((len(line) - len(line.lstrip(" ")) for line in lines if line.strip()), default=0)
        for line in lines:
            chars.extend(range(k + indent, k + len(line)))
            chars.append(k + len(line))  # the newline
            k += len(line) + 1
    else:
        return None
    return tuple(chars) if len(chars) >= len(value) else None
