"""Market development funds: allocations per partner and period, requests, claims with proof."""
