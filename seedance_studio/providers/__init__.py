"""Async HTTP clients, one module per provider, implementing the core's provider protocol.

Public API:
- `registry.create_provider(id, settings, secrets, *, http=None)`, `registry.provider_ids()`,
  `registry.register(id, factory)` for local providers.
- `keys.SecretStore` (keyring + SEEDANCE_<ID>_API_KEY), `core.redact.redact` for any text.
- `assets.AssetResolver.for_provider(id, settings, secrets, http=...)` → `resolve(refs)`,
  `dry_run_urls(refs)`.
- `retry.should_retry` / `retry.retry_delay` / `retry.parse_retry_after`: the retry policy.
- `limits.RateLimits`: documented per-key create limits a provider publishes as `rate_limits`
  (enforced by the job engine, not here).

Reconciling a create whose outcome is unknown (SubmissionUnknownError): none of the four APIs
documents a way to list recent jobs, so no client can look the job up by itself. The job engine
keeps such a job as "submission unknown" and the user decides: check the provider's dashboard
("check again") or submit anyway, knowing it may be paid twice.
"""
