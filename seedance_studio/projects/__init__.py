"""Projects: `.seedance` files, crash-safe autosave, relinking moved files, the reference
library. Plain Python (no Qt): the CLI and the tests use it as the window does."""
