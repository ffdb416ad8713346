"""The `seedance` command line, on the same core as the window."""
