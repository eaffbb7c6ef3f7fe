"""Analytics: the vendor's channel dashboard and partner scorecards, every figure counted over
what the viewer may see."""
