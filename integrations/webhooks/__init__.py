"""Outbound webhooks: endpoints organizations register, deliveries written by a consumer of the
event outbox, and the worker round that signs and sends them (docs/webhooks.md)."""
