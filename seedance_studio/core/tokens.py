"""Video tokens, the unit fal and BytePlus bill Seedance 2.0 in.

tokens = width × height × (fps × seconds + extra_frames) / divisor, with the output's frame
size from the provider's table (`TokenFormula.frame_sizes`) and, where the provider counts
them, the reference videos' seconds added to the output's. fal's page gives the formula with
no extra frame; BytePlus users' logs (720p 5 s = 108,900 tokens) show one extra frame.
"""

from __future__ import annotations

from decimal import Decimal

from seedance_studio.core.capabilities import TokenFormula

MILLION = Decimal(1_000_000)


def frame_sizes(
    formula: TokenFormula, resolution: str | None, aspect_ratio: str | None
) -> list[tuple[int, int]]:
    """The possible output sizes: one for a known ratio, every ratio's for "auto" /
    "adaptive" (the model picks), none when the table does not know the resolution."""
    table = formula.frame_sizes.get(resolution or "", {})
    if aspect_ratio in table:
        return [table[aspect_ratio]]
    return sorted(set(table.values()), key=lambda wh: wh[0] * wh[1])


def video_tokens(formula: TokenFormula, width: int, height: int, seconds: Decimal) -> Decimal:
    """Tokens for `seconds` of video at width × height (output plus any input seconds)."""
    frames = Decimal(formula.fps) * seconds + Decimal(formula.extra_frames)
    return Decimal(width * height) * frames / Decimal(formula.divisor)


def token_cost(tokens: Decimal, per_million: Decimal) -> Decimal:
    return tokens * per_million / MILLION
