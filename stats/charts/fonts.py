"""Finding a font with simplified Chinese glyphs for the PNG charts, and loading it into Pillow."""

from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

# Where Linux distributions, macOS and Windows keep a Chinese font, best first.
KNOWN_CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/adobe-source-han-sans/SourceHanSansSC-Regular.otf",
    "/usr/share/fonts/opentype/source-han-sans/SourceHanSansSC-Regular.otf",
    "/usr/share/fonts/adobe-source-han-sans/SourceHanSans-Regular.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
)


def find_cjk_font() -> str | None:
    """The path of a font with simplified Chinese glyphs, or None.

    Asks fontconfig for Noto Sans CJK SC first and takes its answer only if the font supports
    zh-cn (fontconfig always answers something, often DejaVu), then tries the usual paths of
    Noto CJK, WenQuanYi and Source Han.
    """
    fc_match = shutil.which("fc-match")
    if fc_match:
        try:
            found = subprocess.run(  # noqa: S603 -- a fixed command, no user input
                [fc_match, "-f", "%{file}\n%{lang}", "Noto Sans CJK SC:lang=zh-cn"],
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            ).stdout
        except (OSError, subprocess.SubprocessError):
            found = ""
        path, _, languages = found.partition("\n")
        if path and "zh-cn" in languages.split("|") and Path(path).is_file():
            return path
    return next((path for path in KNOWN_CJK_FONTS if Path(path).is_file()), None)


@lru_cache(maxsize=1)
def cjk_font_face() -> tuple[str, int] | None:
    """The font file and, in a collection, the index of its simplified Chinese face (a .ttc of
    Noto CJK starts with the Japanese one, whose glyphs differ from those readers here expect)."""
    path = find_cjk_font()
    if path is None:
        return None
    for index in range(12):
        try:
            family, _ = ImageFont.truetype(path, 10, index=index).getname()
        except OSError:
            break
        if family and family.endswith((" SC", "SC")):
            return path, index
    return path, 0


@lru_cache(maxsize=32)
def pillow_font(pixels: int, *, cjk: bool) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    face = cjk_font_face() if cjk else None
    if face is None:
        return ImageFont.load_default(size=pixels)
    return ImageFont.truetype(face[0], pixels, index=face[1])
