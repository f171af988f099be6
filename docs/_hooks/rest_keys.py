"""A griffe extension for the API reference: each model attribute shows its REST key beside its name.

A YAML or JSON author writes REST keys (``username``), a Python author attribute names
(``user_name``); the reference lists attributes by their Python names, so this puts the key in front
of each description in the classes' "Attributes:" sections, from the models' own declarations (never
out of date). mkdocs.yml loads it for mkdocstrings.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_ENTRY = re.compile(r"^(?P<indent>[ \t]+)(?P<name>[a-z_][a-z0-9_]*)(?P<type> \([^)]*\))?: (?P<text>.*)$")


class RestKeys(griffe.Extension):
    """Puts "REST key `commandLine`." at the start of each attribute's description."""

    def on_class_members(self, *, cls: griffe.Class, **kwargs: Any) -> None:
        import batchprep

        model = getattr(batchprep, cls.name, None)
        fields = getattr(model, "_bp_fields", None)
        if cls.docstring is None or not fields:
            return
        keys = {f.name: f.wire_key for f in fields}
        lines = cls.docstring.value.splitlines()
        inside = False
        for index, line in enumerate(lines):
            if line.strip() == "Attributes:":
                inside = True
                continue
            if inside and line and not line[:1].isspace():
                inside = False
            entry = _ENTRY.match(line) if inside else None
            if entry and entry["name"] in keys and len(entry["indent"]) <= 4:
                lines[index] = f"{entry['indent']}{entry['name']}{entry['type'] or ''}: REST key `{keys[entry['name']]}`. {entry['text']}"
        cls.docstring.value = "\n".join(lines)
