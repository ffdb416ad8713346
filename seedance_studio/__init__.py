"""Seedance Studio: compose Seedance 2.0 reference-to-video generations across providers."""

__version__ = "0.1.0"
