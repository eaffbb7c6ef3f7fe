"""EDI in the portal: trading partners, interchanges received and sent, and the mapping of
their documents onto order services. The X12/EDIFACT work itself is `integrations.edi`."""
