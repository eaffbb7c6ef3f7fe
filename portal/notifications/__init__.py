"""Notifications: in-app rows written by an event consumer, and the mail they send."""
