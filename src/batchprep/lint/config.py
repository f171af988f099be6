"""Which findings `check` reports and which fail it: `[tool.batchprep]`, command-line options, opt-outs.

As ruff does, the settings come from the first `pyproject.toml` holding a `[tool.batchprep]` table,
looking in the working directory and then each directory above it; command-line options win over
it. A broken `pyproject.toml` that mentions `tool.batchprep` stops the search with an error (its
line and column); one that does not is another tool's and is passed over. A YAML task file can
opt out of rules for itself with a comment: `# batchprep: disable=BP301,not-idempotent`.

Selectors name rules by code (`BP101`), code prefix (`BP1`, `BP`), name (`unexpanded-variable`),
or `ALL`; the document checks' warnings are `unknown`, `size`, `job` and `kind`. Errors (what the
Batch service would refuse) are always reported: no selector turns them off.
"""

from __future__ import annotations

import difflib
import fnmatch
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from batchprep.lint.findings import SEVERITIES, Finding, Severity, at_least

if TYPE_CHECKING:
    from batchprep.lint.rules import Rule

__all__ = ["ConfigError", "Settings", "check_selectors", "find_pyproject", "load_settings", "opt_outs", "selected"]

#: Warnings and infos of the document checks, selectable by name like the behaviour rules.
DOCUMENT_WARNINGS = ("unknown", "size", "job", "kind")
_KEYS = ("select", "ignore", "severity", "strict", "per-file-ignores")
_OPT_OUT = re.compile(r"#\s*batchprep:\s*disable\s*=\s*([A-Za-z0-9_,\s-]+?)\s*$", re.MULTILINE)


class ConfigError(ValueError):
    """Settings that cannot be used: an unknown key, rule or severity; the message says where."""


def _rules() -> dict[str, Rule]:
    """The behaviour rules by code: imported on first use, since deciding what to report needs none of
    them (`batchprep run` checks a task without loading the rules and the shell-script reader)."""
    from batchprep.lint.rules import RULES

    return RULES


def _known() -> list[str]:
    rules = _rules()
    return ["ALL", *rules, *(r.name for r in rules.values()), *DOCUMENT_WARNINGS]


def check_selectors(selectors: Iterable[str], where: str) -> tuple[str, ...]:
    """The selectors, each checked to name at least one rule.

    Raises:
        ConfigError: A selector names no rule (with the closest known one, when there is one).
    """
    checked: list[str] = []
    for selector in selectors:
        name = selector.strip()
        if not name:
            continue
        upper = name.upper()
        if upper == "ALL" or (upper.startswith("BP") and any(code.startswith(upper) for code in _rules())):
            checked.append(upper)
        elif name in _known():
            checked.append(name)
        else:
            guess = difflib.get_close_matches(name, _known(), n=1)
            hint = f" (did you mean {guess[0]!r}?)" if guess else ""
            raise ConfigError(f"{where}: {name!r} is no rule code or name{hint}; batchprep rules lists them")
    return tuple(checked)


def selected(finding: Finding, selectors: Iterable[str]) -> bool:
    """Whether one of the selectors names the finding's rule (by code, code prefix, name, or ALL)."""
    for selector in selectors:
        if selector == "ALL" or selector in finding.selectors():
            return True
        if finding.code is not None and selector.startswith("BP") and finding.code.startswith(selector):
            return True
    return False


@dataclass(frozen=True)
class Settings:
    """What `check` reports and what makes it fail.

    Attributes:
        select: Rules to report (selectors); `("ALL",)` by default.
        ignore: Rules not to report, even when selected.
        severity: The least severe finding that fails the check (exit code 1): `error` by default,
            `warning` with `--strict`, or `info`.
        per_file_ignores: Glob patterns (relative to `root`, `/`-separated) and the rules they ignore.
        root: The directory of the `pyproject.toml` the settings came from.
        source: That file, for messages.
    """

    select: tuple[str, ...] = ("ALL",)
    ignore: tuple[str, ...] = ()
    severity: Severity = "error"
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    root: Path | None = None
    source: Path | None = None

    def reported(self, finding: Finding, extra_ignores: Iterable[str] = ()) -> bool:
        """Whether a finding is reported: errors always; others when selected and not ignored."""
        if finding.severity == "error":
            return True
        if not selected(finding, self.select) or selected(finding, self.ignore):
            return False
        return not selected(finding, [*extra_ignores, *self._for_file(finding.file)])

    def fails(self, finding: Finding) -> bool:
        """Whether a reported finding fails the check."""
        return at_least(finding.severity, self.severity)

    def _for_file(self, file: str | None) -> tuple[str, ...]:
        if file is None or not self.per_file_ignores:
            return ()
        path = Path(file).resolve()
        try:
            relative = path.relative_to(self.root).as_posix() if self.root is not None else Path(file).as_posix()
        except ValueError:
            relative = Path(file).as_posix()
        return tuple(
            s for pattern, selectors in self.per_file_ignores if fnmatch.fnmatch(relative, pattern) for s in selectors
        )

    def override(
        self,
        *,
        select: Iterable[str] | None = None,
        ignore: Iterable[str] | None = None,
        severity: str | None = None,
        strict: bool = False,
    ) -> Settings:
        """The settings with command-line options on top (`--select` replaces, `--ignore` adds).

        Raises:
            ConfigError: An unknown selector or severity.
        """
        changed = self
        if select is not None:
            changed = replace(changed, select=check_selectors(select, "--select"))
        if ignore is not None:
            changed = replace(changed, ignore=changed.ignore + check_selectors(ignore, "--ignore"))
        if severity is not None:
            changed = replace(changed, severity=_severity(severity, "--severity"))
        elif strict:
            changed = replace(changed, severity="warning")
        return changed


def _severity(value: Any, where: str) -> Severity:
    if not isinstance(value, str) or value not in SEVERITIES:
        raise ConfigError(f"{where}: the severity is one of error, warning, info, not {value!r}")
    return value


def _selector_list(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f'{where}: expected a list of rule codes or names, such as ["BP301"]')
    return check_selectors(value, where)


#: A line that starts a `[tool.batchprep...]` table or sets a `tool.batchprep...` key: the file is ours.
_OURS = re.compile(r"""^\s*(?:\[\s*)?tool\s*\.\s*["']?batchprep\b""", re.MULTILINE)
_TOML_PLACE = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


def _not_toml(file: Path, text: str, err: Exception) -> ConfigError:
    """The error for a file that is not TOML: `FILE:LINE:COLUMN: not TOML: what the parser says`."""
    message = str(err)
    line, column = getattr(err, "lineno", None), getattr(err, "colno", None)  # Python 3.14 has them
    found = _TOML_PLACE.search(message)
    if found is not None:
        line, column = int(found.group(1)), int(found.group(2))
        message = message[: found.start()]
    elif message.endswith("(at end of document)"):
        line, column = text.count("\n") + 1, len(text) - text.rfind("\n")
        message = message.removesuffix("(at end of document)").rstrip()
    where = f"{file}:{line}:{column}" if line is not None else str(file)
    return ConfigError(f"{where}: not TOML: {message}")


def find_pyproject(start: Path) -> Path | None:
    """The first `pyproject.toml` with a `[tool.batchprep]` table in `start` or a directory above it.

    A file that cannot be read as TOML is passed over when nothing in it mentions `tool.batchprep`
    (another tool's file: that tool reports it), and is an error when something does.

    Raises:
        ConfigError: A `pyproject.toml` on the way that mentions `tool.batchprep` is not TOML (the
            message has its line and column) or not UTF-8.
    """
    import tomllib  # only where settings are read: batchprep check, not batchprep run

    for directory in [start, *start.parents]:
        candidate = directory / "pyproject.toml"
        if not candidate.is_file():
            continue
        try:
            raw = candidate.read_bytes()
        except OSError:
            continue  # unreadable: we cannot tell whose it is
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as err:
            if _OURS.search(raw.decode("utf-8", "replace")):
                message = f"not UTF-8 ({err.reason} at byte {err.start})"
                raise ConfigError(f"{candidate}: cannot read it: {message}") from None
            continue
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as err:
            if _OURS.search(text):  # our table in a broken file: its settings must not be skipped silently
                raise _not_toml(candidate, text, err) from None
            continue
        if isinstance(data.get("tool"), dict) and "batchprep" in data["tool"]:
            return candidate
    return None


#: A TOML key at the start of a line: bare, quoted or dotted (`a."b.c".d`).
_PART = r"""(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')"""
_KEY = re.compile(rf"\s*({_PART}(?:\s*\.\s*{_PART})*)\s*=")


def _key_lines(text: str) -> dict[tuple[str, ...], int]:
    """The line (from 1) where each table and key of a TOML text is first written, for messages.

    A simple reading, line by line: table headers and `key = value` lines (dotted and quoted keys
    too); keys inside inline tables and multi-line values are not found, and their messages name the
    nearest key that is.
    """
    lines: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), 1):
        header = re.match(r"\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$", line)
        if header is not None:
            table = _dotted(header.group(1))
            lines.setdefault(table, number)
            continue
        key = _KEY.match(line)
        if key is not None:
            lines.setdefault((*table, *_dotted(key.group(1))), number)
    return lines


def _dotted(key: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in re.findall(r"""\s*("[^"]*"|'[^']*'|[^.]+)\s*\.?""", key))


def load_settings(start: Path | None = None, *, file: Path | None = None) -> Settings:
    """The settings of the nearest `[tool.batchprep]` table (defaults when there is none).

    Args:
        start: Where to start looking; the working directory when not given.
        file: Read this file instead of looking (`--config`); it must have the table.

    Raises:
        ConfigError: The table has an unknown key, rule or severity, the file is not TOML, or `file`
            has no `[tool.batchprep]` table.
    """
    import tomllib

    found = file if file is not None else find_pyproject((start or Path.cwd()).resolve())
    if found is None:
        return Settings()
    try:
        text = found.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"{found}: cannot read it: {err}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise _not_toml(found, text, err) from None
    tool = data.get("tool")
    if not isinstance(tool, dict) or "batchprep" not in tool:
        raise ConfigError(f"{found}: no [tool.batchprep] table in it")
    table = tool["batchprep"]
    found = found.resolve()
    lines = _key_lines(text)

    def at(*keys: str) -> str:
        """`FILE:LINE: [tool.batchprep]`, at the line of the key (or of the nearest table that has one)."""
        path = ("tool", "batchprep", *keys)
        line = next((lines[path[:n]] for n in range(len(path), 0, -1) if path[:n] in lines), None)
        return f"{found}:{line}: [tool.batchprep]" if line is not None else f"{found}: [tool.batchprep]"

    def where(key: str, *inner: str) -> str:
        """`FILE:LINE: [tool.batchprep] KEY 'INNER'`, for the messages about one setting."""
        return f"{at(key, *inner)} {key}" + "".join(f" {k!r}" for k in inner)

    if not isinstance(table, dict):
        raise ConfigError(f"{at()} must be a table, not {_toml_type(table)}")
    for key in table:
        if key not in _KEYS:
            guess = difflib.get_close_matches(key, _KEYS, n=1)
            hint = f" (did you mean {guess[0]!r}?)" if guess else ""
            raise ConfigError(f"{at(key)} has no setting {key!r}{hint}; the settings are {', '.join(_KEYS)}")
    settings = Settings(root=found.parent, source=found)
    if "select" in table:
        settings = replace(settings, select=_selector_list(table["select"], where("select")))
    if "ignore" in table:
        settings = replace(settings, ignore=_selector_list(table["ignore"], where("ignore")))
    if "strict" in table:
        if not isinstance(table["strict"], bool):
            raise ConfigError(f"{where('strict')}: expected true or false, not {_toml_type(table['strict'])}")
        settings = replace(settings, severity="warning" if table["strict"] else "error")
    if "severity" in table:
        settings = replace(settings, severity=_severity(table["severity"], where("severity")))
    per_file = table.get("per-file-ignores", {})
    if not isinstance(per_file, dict):
        raise ConfigError(
            f"{where('per-file-ignores')}: expected a table of glob patterns and rule lists, not {_toml_type(per_file)}"
        )
    entries = tuple(
        (pattern, _selector_list(value, where("per-file-ignores", pattern))) for pattern, value in per_file.items()
    )
    return replace(settings, per_file_ignores=entries)


def _toml_type(value: Any) -> str:
    """What a TOML value is, in TOML's words, for messages."""
    kinds = ((bool, "a boolean"), (int, "an integer"), (float, "a float"), (str, "a string"), (list, "an array"))
    other = "a table" if isinstance(value, dict) else "a date"
    kind = next((name for cls, name in kinds if isinstance(value, cls)), other)
    return f"{kind} ({value!r})" if not isinstance(value, (dict, list)) else kind


def opt_outs(text: str) -> tuple[tuple[str, ...], list[tuple[int, str]]]:
    """The rules a YAML file opts out of in `# batchprep: disable=...` comments.

    Only real comments count: the same text inside a string (a block scalar holding a script, say)
    does not.

    Returns:
        The selectors, and for each name that is no rule, its text index and the name.
    """
    import yaml  # YAML files only: PyYAML is optional

    try:
        spans = [(n.start_mark.index, n.end_mark.index) for n in _scalars(yaml.compose(text, Loader=yaml.SafeLoader))]
    except yaml.YAMLError:
        return (), []
    selectors: list[str] = []
    unknown: list[tuple[int, str]] = []
    for found in _OPT_OUT.finditer(text):
        if any(start <= found.start() < end for start, end in spans):
            continue
        at = found.start(1)
        for name in found.group(1).split(","):
            try:
                selectors.extend(check_selectors([name], "opt-out"))
            except ConfigError:
                unknown.append((at + len(name) - len(name.lstrip()), name.strip()))
            at += len(name) + 1
    return tuple(selectors), unknown


def _scalars(node: Any) -> list[Any]:
    import yaml

    if node is None:
        return []
    if isinstance(node, yaml.ScalarNode):
        return [node]
    if isinstance(node, yaml.MappingNode):
        return [s for k, v in node.value for s in (*_scalars(k), *_scalars(v))]
    if isinstance(node, yaml.SequenceNode):
        return [s for item in node.value for s in _scalars(item)]
    return []
