"""Media work on top of PyAV: conforming references to limits and rendering animatics."""
