"""msrest twins of the models in test_types.py: one attribute per msrest type.

They live in their own module because msrest finds a model's dependencies by reading every class of
the model's module, and the batchprep twins use the same class names.
"""

from enum import Enum

from msrest.serialization import Model

ALL_TYPES_MAP = {
    "s": {"key": "s", "type": "str"},
    "i": {"key": "i", "type": "int"},
    "lg": {"key": "lg", "type": "long"},
    "b": {"key": "b", "type": "bool"},
    "f": {"key": "f", "type": "float"},
    "dec": {"key": "dec", "type": "decimal"},
    "dur": {"key": "dur", "type": "duration"},
    "iso": {"key": "iso", "type": "iso-8601"},
    "rfc": {"key": "rfc", "type": "rfc-1123"},
    "d": {"key": "d", "type": "date"},
    "t": {"key": "t", "type": "time"},
    "unix": {"key": "unix", "type": "unix-time"},
    "b64": {"key": "b64", "type": "base64"},
    "ba": {"key": "ba", "type": "bytearray"},
    "obj": {"key": "obj", "type": "object"},
    "color": {"key": "color", "type": "Color"},
    "inner": {"key": "inner", "type": "Inner"},
    "inners": {"key": "inners", "type": "[Inner]"},
    "tags": {"key": "tags", "type": "{str}"},
    "grid": {"key": "grid", "type": "[[int]]"},
    "by_name": {"key": "byName", "type": "{Inner}"},
    "colors": {"key": "colors", "type": "[Color]"},
    "durs": {"key": "durs", "type": "{duration}"},
}


class Color(str, Enum):
    red = "Red"
    green = "green"


class Inner(Model):
    _attribute_map = {"name": {"key": "name", "type": "str"}, "size": {"key": "size", "type": "int"}}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.name = kwargs.get("name")
        self.size = kwargs.get("size")


class AllTypes(Model):
    _attribute_map = ALL_TYPES_MAP

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        for name in ALL_TYPES_MAP:
            setattr(self, name, kwargs.get(name))


RULES = {
    "short": {"min_length": 2, "max_length": 5},
    "word": {"pattern": r"^[a-z]+$"},
    "small": {"minimum": 0, "maximum": 10},
    "open": {"minimum_ex": 0, "maximum_ex": 10},
    "few": {"min_items": 1, "max_items": 3},
    "distinct": {"unique": True},
    "even": {"multiple": 2},
    "must": {"required": True},
}

RULES_MAP = {
    "short": {"key": "short", "type": "str"},
    "word": {"key": "word", "type": "str"},
    "small": {"key": "small", "type": "int"},
    "open": {"key": "open", "type": "float"},
    "few": {"key": "few", "type": "[str]"},
    "distinct": {"key": "distinct", "type": "[int]"},
    "even": {"key": "even", "type": "int"},
    "must": {"key": "must", "type": "str"},
}


class Ruled(Model):
    _attribute_map = RULES_MAP
    _validation = RULES

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        for name in RULES_MAP:
            setattr(self, name, kwargs.get(name))
