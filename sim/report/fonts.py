"""The CJK font the project brings: Noto Sans CJK SC (SIL Open Font License), from ``mplfonts``.

Charts draw Chinese with it (:func:`cjk_font_file`), and the HTML report embeds
the subset of it that its own text uses (:func:`font_face`, a few hundred
kilobytes), so Chinese reads the same on a machine with no Chinese fonts and in
a PDF printed from it — never missing-glyph boxes.
"""

from __future__ import annotations

import base64
import io
from functools import cache
from pathlib import Path

FAMILY = "Noto Sans CJK SC"
EMBEDDED = "hpfsim CJK"


@cache
def cjk_font_file() -> Path:
    """Register the bundled font with matplotlib (once); return its file."""
    import mplfonts
    from matplotlib import font_manager

    path = Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"
    font_manager.fontManager.addfont(str(path))
    return path


def missing_glyphs(text: str) -> set[str]:
    """Characters of ``text`` (outside ASCII) the bundled font cannot draw."""
    from fontTools.ttLib import TTFont

    with TTFont(cjk_font_file(), lazy=True) as font:
        cmap = font.getBestCmap()
    return {c for c in set(text) if ord(c) > 127 and not c.isspace() and ord(c) not in cmap}


def font_face(text: str) -> str:
    """A CSS ``@font-face`` embedding the bundled font's glyphs for the characters in ``text``."""
    from fontTools import subset

    chars = {c for c in text if ord(c) > 127}
    if not chars:
        return ""
    options = subset.Options()
    options.flavor = None
    options.layout_features = ["*"]
    font = subset.load_font(str(cjk_font_file()), options)
    sub = subset.Subsetter(options)
    sub.populate(text="".join(sorted(chars)))
    sub.subset(font)
    buf = io.BytesIO()
    font.save(buf)
    data = base64.b64encode(buf.getvalue()).decode()
    return (
        f"@font-face{{font-family:'{EMBEDDED}';src:url(data:font/otf;base64,{data}) "
        "format('opentype');unicode-range:U+0080-FFFF}"
    )
