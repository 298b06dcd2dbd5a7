"""Revision benchmarks: the 修改前后对照表 on real pairs of promulgated texts.

``revision.compare_real_pairs`` is the share of the ten real pairs (two promulgated versions of the
same law, in ``tests/drafts/versions/``), each run as Markdown and as Word, for which
``manage.py export_comparison --old --new --format json`` names as modified or added exactly the
articles of the newer version whose text (whitespace aside) is no article's text in the older one.
The target is 1.0.  It needs no data in the database.

The Word files are made here from the Markdown with python-docx, as an office would have typed them:
headings in Word's heading styles, every other line a paragraph.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
from pathlib import Path

from docx import Document

from bench.registry import Context, Figure, benchmark

PAIRS = Path(__file__).resolve().parent.parent / "tests" / "drafts" / "versions"
FORMATS = ("md", "docx")
_HEADING_RE = re.compile(r"^(#{1,6})\s+(.*)$")
_COMMENT_RE = re.compile(r"^<!--.*-->$")


def real_pairs(folder: Path = PAIRS) -> list[tuple[Path, Path]]:
    """(older, newer) of each regulation: files named 名称(YYYY-MM-DD).md, two a name."""
    by_name: dict[str, list[Path]] = {}
    for path in sorted(folder.glob("*(*).md")):
        by_name.setdefault(path.stem.rpartition("(")[0], []).append(path)
    pairs = []
    for name, paths in sorted(by_name.items()):
        if len(paths) != 2:
            raise ValueError(f"{name}: expected two versions, found {len(paths)}")
        pairs.append((paths[0], paths[1]))  # the dates sort the older first
    return pairs


def markdown_docx(text: str) -> bytes:
    """A Word file of a Markdown text: ``#`` lines as headings (level by the number of #), others as
    paragraphs; blank lines and HTML comments left out."""
    document = Document()
    for raw in text.splitlines():
        line = raw.strip()
        if not line or _COMMENT_RE.match(line):
            continue
        if heading := _HEADING_RE.match(line):
            document.add_heading(heading.group(2).strip(), level=len(heading.group(1)))
        else:
            document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def expected_numbers(old: Path, new: Path) -> set[int]:
    """The newer text's articles whose text, whitespace aside, is not the text of any older article."""
    from drafts.matching import normalize_text
    from drafts.parser import parse_text

    def articles(path: Path):
        return list(parse_text(path.read_text(encoding="utf-8")).articles_flat())

    old_texts = {normalize_text(article.text) for article in articles(old)}
    return {article.number for article in articles(new) if normalize_text(article.text) not in old_texts}


def exported_rows(old: Path, new: Path, fmt: str, workdir: Path) -> list[dict]:
    """The rows of ``export_comparison --format json`` on the pair, given as Markdown or as Word files."""
    from django.core.management import call_command

    if fmt == "docx":
        old_docx, new_docx = workdir / f"{old.stem}.docx", workdir / f"{new.stem}.docx"
        for source, target in ((old, old_docx), (new, new_docx)):
            target.write_bytes(markdown_docx(source.read_text(encoding="utf-8")))
        old, new = old_docx, new_docx
    out = workdir / "comparison.json"
    call_command("export_comparison", old=str(old), new=str(new), format="json", out=str(out), stdout=io.StringIO())
    return json.loads(out.read_text(encoding="utf-8"))["rows"]


def changed_numbers(rows: list[dict]) -> set[int]:
    """The newer articles the export calls modified or added."""
    return {row["new_number"] for row in rows if row["change"] in ("modified", "added")}


def real_pair_results(log=print) -> dict[tuple[str, str], bool]:
    """(regulation, format) → whether the export names exactly the expected articles."""
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for old, new in real_pairs():
            expected = expected_numbers(old, new)
            for fmt in FORMATS:
                got = changed_numbers(exported_rows(old, new, fmt, Path(folder)))
                name = old.stem.rpartition("(")[0]
                results[(name, fmt)] = got == expected
                if got != expected:
                    log(f"{name} ({fmt}): missing {sorted(expected - got)}, extra {sorted(got - expected)}")
    return results


@benchmark("revision")
def revision(ctx: Context) -> list[Figure]:
    results = real_pair_results(ctx.log)
    share = sum(results.values()) / len(results)
    return [
        Figure(
            "revision.compare_real_pairs",
            round(share, 3),
            "share",
            f"{sum(results.values())} of {len(results)} runs ({len(results) // len(FORMATS)} pairs × md, docx)",
        )
    ]
