"""Qt widgets that adapt the core to the screen; nothing here holds rules of its own."""
