"""The Qt-free core: references, tray numbering, prompts, dialects, rules and prices."""
