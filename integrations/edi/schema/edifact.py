"""EDIFACT message structures (segment groups numbered as in D.96A), for D.93A to D.01B."""

from .core import MessageSchema, parse_structure
from .edifact_segments import SEGMENTS

# Directories whose message structures these schemas follow closely enough to validate.
_VERSIONS = tuple(f"D{y:02d}{r}" for y in (93, 94, 95, 96, 97, 98, 99, 0, 1) for r in "AB")

_PARTY = """
LOOP {nad} O 99
  NAD M 1
  LOC O 25
  LOOP {rff} O 10
    RFF M 1
    DTM O 5
  LOOP {cta} O 5
    CTA M 1
    COM O 5
"""

_ORDERS = f"""
UNH M 1
BGM M 1
DTM M 35
PAI O 1
ALI O 5
IMD O 999
FTX O 99
LOOP SG1 O 10
  RFF M 1
  DTM O 5
{_PARTY.format(nad="SG2", rff="SG3", cta="SG5")}
LOOP SG6 O 5
  TAX M 1
  MOA O 1
  LOC O 5
LOOP SG7 O 5
  CUX M 1
  PCD O 5
  DTM O 5
LOOP SG8 O 10
  PAT M 1
  DTM O 5
  PCD O 1
  MOA O 1
LOOP SG9 O 10
  TDT M 1
  LOOP SG10 O 10
    LOC M 1
    DTM O 5
LOOP SG11 O 5
  TOD M 1
  LOC O 2
LOOP SG12 O 99
  PAC M 1
  MEA O 5
LOOP SG18 O 15
  ALC M 1
  ALI O 5
  DTM O 5
  LOOP SG21 O 2
    MOA M 1
LOOP SG25 O 200000
  LIN M 1
  PIA O 25
  IMD O 99
  MEA O 99
  QTY O 99
  PCD O 5
  ALI O 5
  DTM O 35
  MOA O 10
  GIN O 127
  FTX O 99
  LOOP SG28 O 25
    PRI M 1
    CUX O 1
    DTM O 5
  LOOP SG29 O 10
    RFF M 1
    DTM O 5
  LOOP SG30 O 10
    PAC M 1
    MEA O 5
    LOOP SG31 O 10
      PCI M 1
      GIN O 10
  LOOP SG32 O 9999
    LOC M 1
    QTY O 1
    DTM O 5
  LOOP SG33 O 10
    TAX M 1
    MOA O 1
  LOOP SG34 O 999
    NAD M 1
    LOC O 5
  LOOP SG38 O 99
    ALC M 1
    ALI O 5
    DTM O 5
    LOOP SG41 O 2
      MOA M 1
  LOOP SG44 O 10
    TDT M 1
  LOOP SG47 O 100
    SCC M 1
    FTX O 5
    RFF O 5
    LOOP SG48 O 10
      QTY M 1
      DTM O 5
UNS M 1
MOA O 12
CNT O 10
LOOP SG51 O 15
  ALC M 1
  ALI O 1
  MOA O 2
UNT M 1
"""

_ORDRSP = f"""
UNH M 1
BGM M 1
DTM M 35
PAI O 1
ALI O 5
IMD O 999
FTX O 99
LOOP SG1 O 10
  RFF M 1
  DTM O 5
{_PARTY.format(nad="SG3", rff="SG4", cta="SG6")}
LOOP SG7 O 5
  TAX M 1
  MOA O 1
  LOC O 5
LOOP SG8 O 5
  CUX M 1
  PCD O 5
  DTM O 5
LOOP SG9 O 10
  PAT M 1
  DTM O 5
  PCD O 1
  MOA O 1
LOOP SG10 O 10
  TDT M 1
LOOP SG12 O 5
  TOD M 1
  LOC O 2
LOOP SG26 O 200000
  LIN M 1
  PIA O 25
  IMD O 99
  MEA O 99
  QTY O 99
  PCD O 5
  ALI O 5
  DTM O 35
  MOA O 10
  GIN O 127
  FTX O 99
  LOOP SG30 O 25
    PRI M 1
    CUX O 1
    DTM O 5
  LOOP SG31 O 10
    RFF M 1
    DTM O 5
  LOOP SG32 O 10
    PAC M 1
    MEA O 5
  LOOP SG35 O 9999
    LOC M 1
    QTY O 1
    DTM O 5
  LOOP SG36 O 10
    TAX M 1
    MOA O 1
  LOOP SG37 O 999
    NAD M 1
    LOC O 5
  LOOP SG41 O 99
    ALC M 1
    ALI O 5
    DTM O 5
    LOOP SG42 O 1
      QTY M 1
    LOOP SG43 O 1
      PCD M 1
    LOOP SG44 O 2
      MOA M 1
    LOOP SG46 O 5
      TAX M 1
      MOA O 1
  LOOP SG47 O 10
    TDT M 1
    LOOP SG48 O 10
      LOC M 1
      DTM O 5
  LOOP SG49 O 5
    TOD M 1
    LOC O 2
  LOOP SG51 O 100
    SCC M 1
    FTX O 5
    RFF O 5
    LOOP SG52 O 10
      QTY M 1
      DTM O 5
UNS M 1
MOA O 12
CNT O 10
UNT M 1
"""

_DESADV = f"""
UNH M 1
BGM M 1
DTM M 10
ALI O 5
MEA O 5
MOA O 5
LOOP SG1 O 10
  RFF M 1
  DTM O 1
{_PARTY.format(nad="SG2", rff="SG3", cta="SG4")}
LOOP SG5 O 10
  TOD M 1
  LOC O 5
  FTX O 5
LOOP SG6 O 10
  TDT M 1
  PCD O 1
  LOOP SG7 O 10
    LOC M 1
    DTM O 5
LOOP SG10 O 9999
  CPS M 1
  FTX O 5
  LOOP SG11 O 9999
    PAC M 1
    MEA O 10
    QTY O 10
    FTX O 5
    LOOP SG13 O 1000
      PCI M 1
      RFF O 1
      DTM O 5
      LOOP SG14 O 99
        GIN M 1
  LOOP SG15 O 9999
    LIN M 1
    PIA O 10
    IMD O 25
    MEA O 10
    QTY O 10
    ALI O 10
    GIN O 100
    DTM O 5
    FTX O 5
    MOA O 5
    LOOP SG16 O 10
      RFF M 1
      DTM O 1
    LOOP SG18 O 100
      LOC M 1
      QTY O 1
CNT O 5
UNT M 1
"""

_INVOIC = f"""
UNH M 1
BGM M 1
DTM M 35
PAI O 1
ALI O 5
IMD O 1
FTX O 99
LOOP SG1 O 99
  RFF M 1
  DTM O 5
{_PARTY.format(nad="SG2", rff="SG3", cta="SG5")}
LOOP SG6 O 5
  TAX M 1
  MOA O 1
  LOC O 5
LOOP SG7 O 5
  CUX M 1
  PCD O 5
  DTM O 5
LOOP SG8 O 10
  PAT M 1
  DTM O 5
  PCD O 1
  MOA O 1
LOOP SG9 O 10
  TDT M 1
LOOP SG12 O 5
  TOD M 1
  LOC O 2
LOOP SG15 O 99
  ALC M 1
  ALI O 5
  LOOP SG16 O 1
    RFF M 1
    DTM O 5
  LOOP SG17 O 5
    QTY M 1
  LOOP SG18 O 1
    PCD M 1
  LOOP SG19 O 2
    MOA M 1
  LOOP SG21 O 5
    TAX M 1
    MOA O 1
LOOP SG25 O 200000
  LIN M 1
  PIA O 25
  IMD O 10
  MEA O 5
  QTY O 5
  PCD O 1
  ALI O 5
  DTM O 35
  GIN O 1000
  FTX O 5
  LOOP SG26 O 5
    MOA M 1
  LOOP SG28 O 25
    PRI M 1
    CUX O 1
    DTM O 5
  LOOP SG29 O 10
    RFF M 1
    DTM O 5
  LOOP SG33 O 99
    TAX M 1
    MOA O 1
  LOOP SG34 O 99
    NAD M 1
    LOC O 5
  LOOP SG38 O 15
    ALC M 1
    ALI O 5
    DTM O 5
    LOOP SG39 O 1
      QTY M 1
    LOOP SG40 O 1
      PCD M 1
    LOOP SG41 O 2
      MOA M 1
    LOOP SG43 O 5
      TAX M 1
      MOA O 1
UNS M 1
CNT O 10
LOOP SG48 O 100
  MOA M 1
  LOOP SG49 O 1
    RFF M 1
    DTM O 5
LOOP SG50 O 10
  TAX M 1
  MOA O 2
LOOP SG51 O 15
  ALC M 1
  ALI O 1
  MOA O 2
UNT M 1
"""

_CONTRL = """
UNH M 1
UCI M 1
LOOP SG1 O 999999
  UCM M 1
  LOOP SG2 O 999
    UCS M 1
    UCD O 99
LOOP SG3 O 999999
  UCF M 1
  LOOP SG4 O 999999
    UCM M 1
    LOOP SG5 O 999
      UCS M 1
      UCD O 99
UNT M 1
"""

EDIFACT_SCHEMAS = [
    MessageSchema("EDIFACT", type_, name, _VERSIONS, parse_structure(text, type_), SEGMENTS)
    for type_, name, text in (
        ("ORDERS", "Purchase order", _ORDERS),
        ("ORDRSP", "Purchase order response", _ORDRSP),
        ("DESADV", "Despatch advice", _DESADV),
        ("INVOIC", "Invoice", _INVOIC),
        ("CONTRL", "Syntax and service report", _CONTRL),
    )
]
