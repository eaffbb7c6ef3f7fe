"""X12 transaction set structures (004xxx and 005xxx), with loop ids as in the public guides."""

from .core import MessageSchema, parse_structure
from .x12_segments import SEGMENTS

_VERSIONS = ("004", "005")

_N1_LOOP = """
LOOP N1 O 200
  N1 M 1
  N2 O 2
  N3 O 2
  N4 O >1
  REF O 12
  PER O >1
  FOB O 1
  TD1 O 2
  TD5 O 12
  TD3 O 12
  TD4 O 5
  PKG O 200
"""

_850 = f"""
ST M 1
BEG M 1
CUR O 1
REF O >1
PER O 3
TAX O >1
FOB O >1
CSH O 5
LOOP SAC O 25
  SAC M 1
  CUR O 1
ITD O >1
DTM O 10
PID O 200
PKG O 200
TD1 O 2
TD5 O 12
TD3 O 12
TD4 O 5
TXI O >1
LOOP N9 O 1000
  N9 M 1
  DTM O >1
  MSG O 1000
{_N1_LOOP}
LOOP PO1 M 100000
  PO1 M 1
  LIN O >1
  CUR O 1
  PID O 1000
  PO4 O >1
  REF O >1
  PER O 3
  LOOP SAC O 25
    SAC M 1
    CUR O 1
  CSH O 1
  ITD O 2
  TAX O >1
  FOB O >1
  DTM O 10
  TD1 O 1
  TD5 O 12
  TD3 O 12
  TD4 O 5
  MSG O 12
  TXI O >1
  LOOP SCH O 200
    SCH M 1
    TD1 O 2
    TD5 O 12
    TD3 O 12
    TD4 O 5
    REF O >1
  PKG O 200
  LOOP N9 O 1000
    N9 M 1
    DTM O >1
    MSG O 1000
  LOOP N1 O 200
    N1 M 1
    N2 O 2
    N3 O 2
    N4 O 1
    REF O 12
    PER O 3
    DTM O 1
    FOB O 1
    SCH O 200
    TD1 O 2
    TD5 O 12
    TD3 O 12
    TD4 O 5
    PKG O 200
  LOOP AMT O >1
    AMT M 1
    REF O 1
LOOP CTT O 1
  CTT M 1
  AMT O 1
SE M 1
"""

_855 = f"""
ST M 1
BAK M 1
CUR O 1
REF O >1
PER O 3
TAX O >1
FOB O >1
CSH O 5
LOOP SAC O 25
  SAC M 1
  CUR O 1
ITD O >1
DTM O 10
PID O 200
PKG O 200
TD1 O 2
TD5 O 12
TD3 O 12
TD4 O 5
TXI O >1
LOOP N9 O 1000
  N9 M 1
  DTM O >1
  MSG O 1000
{_N1_LOOP}
LOOP PO1 O 100000
  PO1 M 1
  LIN O >1
  CUR O 1
  PID O 1000
  PO4 O >1
  REF O >1
  PER O 3
  LOOP SAC O 25
    SAC M 1
    CUR O 1
  ITD O 2
  TAX O >1
  FOB O >1
  DTM O 10
  TD1 O 1
  TD5 O 12
  TD3 O 12
  TD4 O 5
  MSG O 12
  LOOP ACK O 104
    ACK M 1
    DTM O 10
  SCH O 200
  LOOP N1 O 200
    N1 M 1
    N2 O 2
    N3 O 2
    N4 O 1
    REF O 12
    PER O 3
LOOP CTT O 1
  CTT M 1
  AMT O 1
SE M 1
"""

_856 = """
ST M 1
BSN M 1
DTM O 10
LOOP HL M 200000
  HL M 1
  LIN O 1
  SN1 O 1
  PRF O 1
  PO4 O 1
  PID O 200
  TD1 O 20
  TD5 O 12
  TD3 O 12
  TD4 O 5
  FOB O 1
  REF O >1
  PER O 3
  MAN O >1
  DTM O 10
  CUR O 1
  SAC O >1
  LOOP N1 O 200
    N1 M 1
    N2 O 2
    N3 O 2
    N4 O 1
    REF O 12
    PER O 3
    FOB O 1
CTT O 1
SE M 1
"""

_810 = f"""
ST M 1
BIG M 1
CUR O 1
REF O 12
PER O 3
{_N1_LOOP}
ITD O >1
DTM O 10
FOB O 1
PID O 200
PKG O 25
TD1 O 2
TD5 O 12
TD3 O 12
TD4 O 5
LOOP IT1 O 200000
  IT1 M 1
  CUR O 1
  TXI O 10
  PID O 1000
  PO4 O 1
  REF O >1
  PER O 5
  LOOP SAC O 25
    SAC M 1
    TXI O 10
  ITD O 2
  DTM O 10
  FOB O 1
  LOOP N1 O 200
    N1 M 1
    N2 O 2
    N3 O 2
    N4 O 1
    REF O 12
    PER O 3
TDS M 1
TXI O 10
CAD O 1
AMT O >1
LOOP SAC O 25
  SAC M 1
  TXI O 10
LOOP ISS O >1
  ISS M 1
  PID O 1
CTT O 1
SE M 1
"""

_997 = """
ST M 1
AK1 M 1
LOOP AK2 O >1
  AK2 M 1
  LOOP AK3 O >1
    AK3 M 1
    AK4 O 99
  AK5 M 1
AK9 M 1
SE M 1
"""

_999 = """
ST M 1
AK1 M 1
LOOP 2000 O >1
  AK2 M 1
  LOOP 2100 O >1
    IK3 M 1
    CTX O 10
    LOOP 2110 O 99
      IK4 M 1
      CTX O 10
  IK5 M 1
AK9 M 1
SE M 1
"""

X12_SCHEMAS = [
    MessageSchema("X12", type_, name, _VERSIONS, parse_structure(text, type_), SEGMENTS)
    for type_, name, text in (
        ("850", "Purchase Order", _850),
        ("855", "Purchase Order Acknowledgment", _855),
        ("856", "Ship Notice/Manifest", _856),
        ("810", "Invoice", _810),
        ("997", "Functional Acknowledgment", _997),
        ("999", "Implementation Acknowledgment", _999),
    )
]

# Positions the tokenizer splits into components / repetitions (everything else stays text).
COMPOSITES = {
    tag: frozenset(i for i, e in enumerate(spec.elements, 1) if e.components)
    for tag, spec in SEGMENTS.items()
    if any(e.components for e in spec.elements)
}
REPEATS = {
    tag: frozenset(i for i, e in enumerate(spec.elements, 1) if e.repeat > 1)
    for tag, spec in SEGMENTS.items()
    if any(e.repeat > 1 for e in spec.elements)
}
# Positions that may hold a tuple or a list after tokenizing; every other element is a str.
STRUCTURED = {
    tag: COMPOSITES.get(tag, frozenset()) | REPEATS.get(tag, frozenset())
    for tag in COMPOSITES.keys() | REPEATS.keys()
}
