"""Async HTTP clients, one module per provider, implementing the core's provider protocol."""
