"""ANSI X12 specifics: the ISA/GS/ST envelope."""
