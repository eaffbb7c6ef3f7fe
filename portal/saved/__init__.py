"""Saved views: a list page with its filters, kept under a name by the user who saved it."""
