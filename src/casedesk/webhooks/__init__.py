"""Webhooks: CASE events posted to URLs an administrator registers (JSON or chat group bots)."""
