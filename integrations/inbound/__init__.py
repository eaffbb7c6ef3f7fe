"""Inbound webhooks: partner systems send signed changes, applied as an endpoint's user."""
