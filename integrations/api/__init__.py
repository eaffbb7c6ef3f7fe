"""The JSON API, version 1: bearer tokens, problem+json errors, cursor pagination."""
