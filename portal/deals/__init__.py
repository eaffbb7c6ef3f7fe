"""Deals: opportunities partners work with the vendor, and deal registration."""
