"""Where a picture is cropped to fill a frame of another shape.

The sizes a provider's pixel limits allow are a limit rule: see `core.limit_rules.target_size`.
"""

from __future__ import annotations


def cover_crop(src_w: int, src_h: int, out_w: int, out_h: int) -> tuple[int, int, int, int]:
    """The centred (x, y, w, h) of the source that fills `out_w`×`out_h` after scaling."""
    if src_w * out_h > out_w * src_h:  # source is wider: crop the sides
        w = max(1, round(src_h * out_w / out_h))
        return (src_w - w) // 2, 0, w, src_h
    h = max(1, round(src_w * out_h / out_w))
    return 0, (src_h - h) // 2, src_w, h
