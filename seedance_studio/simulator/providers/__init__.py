"""One module per simulated provider, plus shared file and storage routes."""
