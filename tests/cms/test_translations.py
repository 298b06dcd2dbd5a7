"""Every user-facing string has its English translation, and the compiled catalogue is current."""

import gettext
from pathlib import Path

PO = Path(__file__).resolve().parents[2] / "cms" / "locale" / "en" / "LC_MESSAGES" / "django.po"


def unescape(value: str) -> str:
    return value.replace('\\"', '"').replace("\\n", "\n")


def po_entries(path: Path) -> list[dict[str, str]]:
    """A minimal .po reader: msgid, msgid_plural and msgstr values with continuation lines joined."""
    entries, current, key = [], {}, None
    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            if current:
                entries.append(current)
            current, key = {}, None
        elif line.startswith("#,"):
            current["flags"] = line[2:]
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current[key] += line[1:-1]
        else:
            key, _space, value = line.partition(" ")
            current[key] = value[1:-1]
    return [e for e in entries if e.get("msgid")]


def test_every_message_is_translated_to_english():
    entries = po_entries(PO)
    untranslated = [e["msgid"] for e in entries if not any(v for k, v in e.items() if k.startswith("msgstr"))]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e.get("flags", "")]
    assert untranslated == []
    assert fuzzy == []


def test_compiled_catalogue_matches_the_po_file():
    catalogue = gettext.GNUTranslations(PO.with_suffix(".mo").open("rb"))
    for entry in po_entries(PO):
        if "msgid_plural" not in entry:
            assert catalogue.gettext(unescape(entry["msgid"])) == unescape(entry["msgstr"])
