"""A self-hosted challenge on registration once one address has tried a few times (issue 21, item 3).

After REGISTER_CHALLENGE_AFTER registrations from one address in the hour window of the registration limit,
the form asks for the digits of a distorted picture drawn here with Pillow. People who cannot see the picture
answer an arithmetic question written in words instead (a screen reader reads it): either answer passes.
The text question is the weaker of the two against a determined program; it is there so that no one is shut
out, and the per-address limits (REGISTER_PER_IP_HOUR / _DAY) still bound how often anyone may try.

A challenge lives in the cache (TTL CHALLENGE_TTL_SECONDS), holds only its answers, and is spent by the
first check, right or wrong. No external service is asked anything.
"""

from __future__ import annotations

import base64
import io
import math
import secrets
import time
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFilter, ImageFont

CHALLENGE_TTL_SECONDS = 600
DIGITS = "23456789"  # no 0/1: they look like O and l once distorted
IMAGE_SIZE = (200, 70)
_CHINESE_NUMERALS = "零一二三四五六七八九十"


def clock() -> float:
    """Now, in seconds; tests replace it (cms.challenge.clock) instead of waiting."""
    return time.time()


@dataclass(frozen=True)
class Challenge:
    key: str
    image_data_uri: str
    question: str  # the same challenge in words, for people who cannot see the picture


def _cache_key(key: str) -> str:
    return f"challenge:{key}"


def is_required(attempts: int) -> bool:
    """Whether a registration from an address that has made `attempts` in the window must pass a challenge."""
    return attempts >= settings.REGISTER_CHALLENGE_AFTER


def challenge_new() -> Challenge:
    """A fresh challenge, stored server-side for CHALLENGE_TTL_SECONDS."""
    key = secrets.token_urlsafe(18)
    digits = "".join(secrets.choice(DIGITS) for _digit in range(5))
    first, second = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    cache.set(
        _cache_key(key),
        {"answers": [digits, str(first + second)], "expires_at": clock() + CHALLENGE_TTL_SECONDS},
        CHALLENGE_TTL_SECONDS,
    )
    question = _("%(first)s加%(second)s等于多少？请用数字作答。") % {
        "first": _number_in_words(first),
        "second": _number_in_words(second),
    }
    return Challenge(key=key, image_data_uri=_picture(digits), question=question)


def challenge_check(*, key: str, answer: str) -> bool:
    """True when `answer` answers the challenge `key`. The challenge is spent by this check whatever its result
    (delete succeeds once, so two requests with one key cannot both pass)."""
    if not key:
        return False
    stored = cache.get(_cache_key(key))
    if stored is None or not cache.delete(_cache_key(key)):
        return False
    if clock() > stored["expires_at"]:
        return False
    given = "".join(unicodedata.normalize("NFKC", answer or "").split())
    return given in stored["answers"]


def _number_in_words(number: int) -> str:
    if (get_language() or "").startswith("zh"):
        return _CHINESE_NUMERALS[number]
    return str(number)


def _picture(digits: str) -> str:
    """The digits drawn turned, shifted and waved, over lines and dots: a PNG as a data: URI."""
    rng = secrets.SystemRandom()
    width, height = IMAGE_SIZE
    canvas = Image.new("L", IMAGE_SIZE, 255)
    font = ImageFont.load_default(size=40)
    for index, digit in enumerate(digits):
        glyph = Image.new("L", (50, 60), 0)
        ImageDraw.Draw(glyph).text((10, 5), digit, font=font, fill=255)
        glyph = glyph.rotate(rng.uniform(-30, 30), resample=Image.Resampling.BICUBIC, expand=False)
        x = 10 + index * 36 + rng.randint(-4, 4)
        y = rng.randint(-2, 10)
        canvas.paste(0, (x, y), glyph)
    draw = ImageDraw.Draw(canvas)
    for _line in range(5):
        points = [(rng.randint(0, width), rng.randint(0, height)) for _end in range(2)]
        draw.line(points, fill=rng.randint(40, 120), width=2)
    for _dot in range(250):
        draw.point((rng.randint(0, width - 1), rng.randint(0, height - 1)), fill=rng.randint(0, 160))
    # A vertical wave: each column moved up or down along a sine of random phase.
    waved = Image.new("L", IMAGE_SIZE, 255)
    amplitude, period, phase = rng.uniform(3, 6), rng.uniform(25, 45), rng.uniform(0, math.tau)
    for x in range(width):
        shift = round(amplitude * math.sin(x / period + phase))
        waved.paste(canvas.crop((x, 0, x + 1, height)), (x, shift))
    buffer = io.BytesIO()
    waved.filter(ImageFilter.SMOOTH).save(buffer, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
