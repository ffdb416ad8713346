"""What a call shows in literal letters: shared by the checks that every message and every
widget text goes through the catalogue."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path


def literal_words(node: ast.expr) -> str:
    """The literal letters an argument shows, '' when it has none or is wrapped in `_()`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
        )
    if isinstance(node, ast.List | ast.Tuple):
        return " ".join(literal_words(e) for e in node.elts)
    if isinstance(node, ast.IfExp):
        return f"{literal_words(node.body)} {literal_words(node.orelse)}"
    if isinstance(node, ast.BinOp):
        return f"{literal_words(node.left)} {literal_words(node.right)}"
    return ""


def named_calls(path: Path) -> Iterator[tuple[str, ast.Call]]:
    """Every call in a module, with the name it calls (`f(...)` and `x.f(...)` are both f)."""
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Call):
            func = node.func
            yield (func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")), node
