"""The knowledge base (vendor articles shared with partners) and announcements."""
