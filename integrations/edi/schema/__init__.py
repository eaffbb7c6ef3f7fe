"""Schemas of our own for the supported transaction sets, and the tools to layer partner rules."""

from .core import ElementSpec, LoopSpec, MessageSchema, SchemaRegistry, SegmentSpec, SegmentUse
from .registry import BUILTIN

__all__ = [
    "BUILTIN",
    "ElementSpec",
    "LoopSpec",
    "MessageSchema",
    "SchemaRegistry",
    "SegmentSpec",
    "SegmentUse",
]
