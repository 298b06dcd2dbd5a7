"""Text fingerprints: an exact one after normalisation, and MinHash bands for near-duplicates.

Chinese has no spaces, so both work on characters: the text is NFKC-normalised, lower-cased and
stripped of whitespace and punctuation. Near-duplicates are found with MinHash over character
trigrams and locality-sensitive hashing: 24 minimums in 8 bands of 3. Two texts whose trigram sets
overlap by a Jaccard index of 0.8 share a band with probability 0.996, texts at 0.2 with 0.06; the
candidates a band lookup finds are then checked on their real trigram overlap (`SIMILAR`).
"""

import hashlib
import unicodedata

BANDS, ROWS = 8, 3
SIMILAR = 0.6  # Jaccard index of character trigrams from which two texts count as nearly the same
MIN_CHARS = 12  # shorter texts ("同意", "支持本条") are agreement, not a campaign
_PRIME = (1 << 61) - 1
_SEEDS = [
    (int.from_bytes(hashlib.sha256(f"a{i}".encode()).digest()[:8], "big") % _PRIME | 1,
     int.from_bytes(hashlib.sha256(f"b{i}".encode()).digest()[:8], "big") % _PRIME)
    for i in range(BANDS * ROWS)
]  # fmt: skip


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")


def text_hash(text: str) -> str:
    return hashlib.sha1(normalize(text).encode(), usedforsecurity=False).hexdigest()


def shingles(text: str) -> set[str]:
    norm = normalize(text)
    return {norm[i : i + 3] for i in range(len(norm) - 2)}


def band_keys(text: str) -> list[int]:
    """Eight signed 63-bit keys (band number in the top bits), or [] for texts too short to compare."""
    grams = shingles(text)
    if len(normalize(text)) < MIN_CHARS or not grams:
        return []
    hashes = [int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "big") for g in grams]
    minimums = [min((a * h + b) % _PRIME for h in hashes) for a, b in _SEEDS]
    keys = []
    for band in range(BANDS):
        chunk = ",".join(map(str, minimums[band * ROWS : (band + 1) * ROWS]))
        digest = int.from_bytes(hashlib.blake2b(chunk.encode(), digest_size=7).digest(), "big")
        keys.append((band << 56) | digest)
    return keys


def jaccard(sa: set[str], sb: set[str]) -> float:
    if not sa or not sb:
        return 1.0 if sa == sb else 0.0
    return len(sa & sb) / len(sa | sb)
