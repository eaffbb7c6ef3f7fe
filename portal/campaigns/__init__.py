"""Joint campaigns: a vendor's campaign and the partner organizations taking part in it."""
