"""The durable job engine: SQLite store, runner, downloads and spend ledger."""
