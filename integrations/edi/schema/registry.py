"""The built-in schema registry (all supported X12 and EDIFACT sets)."""

from .core import SchemaRegistry
from .edifact import EDIFACT_SCHEMAS
from .x12 import X12_SCHEMAS

BUILTIN = SchemaRegistry([*X12_SCHEMAS, *EDIFACT_SCHEMAS])
