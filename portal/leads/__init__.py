"""Leads: created by their owner, published to the pool by sharing rules, claimed by partners."""
