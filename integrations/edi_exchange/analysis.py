"""The EDI analyst's view of a stored interchange: its segments, each with its errors."""

from __future__ import annotations

import io
import json
from collections import defaultdict
from dataclasses import dataclass, field

from integrations.edi import parse, to_canonical_json
from integrations.edi.reader import SegmentReader
from integrations.edi.writer import segment_text

#: Segments shown on the page; the whole file is always downloadable.
SHOWN_SEGMENTS = 2000
#: Files up to this size also get their canonical JSON on the page.
CANONICAL_LIMIT = 2 * 1024 * 1024


@dataclass
class AnnotatedSegment:
    index: int
    line: int
    text: str
    errors: list[dict] = field(default_factory=list)


@dataclass
class Analysis:
    segments: list[AnnotatedSegment]
    #: Errors that name no segment (e.g. "no interchange found").
    general_errors: list[dict]
    truncated: bool
    canonical: str | None


def analyse(raw: bytes, errors: list[dict]) -> Analysis:
    by_segment: dict[int, list[dict]] = defaultdict(list)
    general = []
    for error in errors:
        if error.get("segment_index"):
            by_segment[error["segment_index"]].append(error)
        else:
            general.append(error)
    reader = SegmentReader(io.BytesIO(raw))
    segments, truncated = [], False
    for segment in reader:
        if len(segments) == SHOWN_SEGMENTS:
            truncated = True
            break
        assert reader.delimiters is not None
        text = segment_text(segment, reader.delimiters, reader.standard == "EDIFACT")
        segments.append(
            AnnotatedSegment(
                segment.index, segment.line, text.strip(), by_segment.get(segment.index, [])
            )
        )
    canonical = None
    if len(raw) <= CANONICAL_LIMIT:
        canonical = json.dumps(to_canonical_json(parse(io.BytesIO(raw))), indent=2)
    return Analysis(segments, general, truncated, canonical)
