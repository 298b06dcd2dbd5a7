"""Character-level differences between two texts, cleaned up for human readers.

Chinese has no spaces to split words on, so texts are compared character by character:
``difflib.SequenceMatcher`` (without its automatic junk heuristic, which would discard
frequent characters such as 的 in long texts) finds the matching blocks after the common
prefix and suffix are set aside.  Its work grows with the product of the lengths, so long
texts are first aligned clause by clause (clauses end at ，。；：、 and newlines) and only the
clauses that differ are compared character by character, much as diff-match-patch's line
mode does.

A raw character diff of prose is hard to read: it keeps every accidental one-character
match (`<del>十五</del><ins>三十</ins>` comes out as `<ins>三</ins>十<del>五</del>`), so the
result goes through the semantic clean-up of Neil Fraser's diff-match-patch
(``diff_cleanupSemantic`` with its merge and lossless passes): an equality no longer than
the changes on both sides of it is absorbed into them, and single changes slide to line
and sentence boundaries (。；！？ count as sentence ends).

Pure Python, no Django: ``drafts.version_diff`` pairs the articles of two versions and calls it
inside each changed one.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from difflib import SequenceMatcher

__all__ = ["DELETE", "EQUAL", "INSERT", "char_diff", "diff_html"]

EQUAL, DELETE, INSERT = "equal", "delete", "insert"

# Internal operation codes, as in diff-match-patch.
_DELETE, _EQUAL, _INSERT = -1, 0, 1
_NAMES = {_DELETE: DELETE, _EQUAL: EQUAL, _INSERT: INSERT}

_SENTENCE_ENDS = frozenset("。；！？!?;")
#: Above this product of lengths (what SequenceMatcher's work grows with) texts are first
#: compared clause by clause, which makes long articles with a few edits several times faster.
CHARACTER_MODE_LIMIT = 64 * 64
_CLAUSE_END = "，。；：、！？,;:!?\n"
# A clause and the punctuation closing it, or a last clause without punctuation.
_CLAUSE_RE = re.compile(rf"[^{_CLAUSE_END}]*[{_CLAUSE_END}]+|[^{_CLAUSE_END}]+")
#: Shorter overlaps between a deletion and an insertion stay inside them.  diff-match-patch
#: extracts any overlap, which in Chinese turns <del>十五</del><ins>三十</ins> back into
#: <ins>三</ins>十<del>五</del>: exactly the one-character fragment the clean-up removed.
MIN_OVERLAP = 3

Diff = list[tuple[int, str]]


def char_diff(old: str, new: str) -> list[tuple[str, str]]:
    """The operations turning ``old`` into ``new``: ("equal" | "delete" | "insert", text).

    Concatenating the equal and delete parts gives ``old``, the equal and insert parts
    ``new``.  Deletions come before insertions where both replace the same text; no two
    neighbours share an operation and no part is empty.
    """
    diffs = _raw_diff(old, new)
    _cleanup_semantic(diffs)
    if not _well_formed(diffs):
        _cleanup_merge(diffs)
    return [(_NAMES[op], text) for op, text in diffs]


def diff_html(ops: Iterable[tuple[str, str]], *, deleted_label: str = "", inserted_label: str = "") -> str:
    """HTML for a diff: ``<del>`` and ``<ins>`` around changes, all text escaped, newlines as ``<br>``.

    ``deleted_label`` and ``inserted_label`` start each change in a visually hidden span, for screen
    readers, which announce neither element.
    """
    parts: list[str] = []
    before = {
        DELETE: f'<span class="visually-hidden">{html.escape(deleted_label)}</span>' if deleted_label else "",
        INSERT: f'<span class="visually-hidden">{html.escape(inserted_label)}</span>' if inserted_label else "",
    }
    for op, text in ops:
        body = html.escape(text).replace("\n", "<br>")
        if op == EQUAL:
            parts.append(body)
        elif op == DELETE:
            parts.append(f"<del>{before[DELETE]}{body}</del>")
        elif op == INSERT:
            parts.append(f"<ins>{before[INSERT]}{body}</ins>")
        else:
            raise ValueError(f"未知的差异操作：{op!r}")
    return "".join(parts)


def _well_formed(diffs: Diff) -> bool:
    """No empty part, no two neighbours with the same operation, no insertion right before a deletion."""
    return all(text for _op, text in diffs) and all(
        first != second and (first, second) != (_INSERT, _DELETE)
        for (first, _a), (second, _b) in zip(diffs, diffs[1:], strict=False)
    )


# --- the raw diff ---------------------------------------------------------------------


def _common_prefix(a: str, b: str) -> int:
    """Length of the common prefix, by binary search on slices (C comparisons)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[:middle] == b[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _common_suffix(a: str, b: str) -> int:
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[len(a) - middle :] == b[len(b) - middle :]:
            low = middle
        else:
            high = middle - 1
    return low


def _common_overlap(a: str, b: str) -> int:
    """Length of the longest suffix of ``a`` that is a prefix of ``b``."""
    size = min(len(a), len(b))
    if not size:
        return 0
    a, b = a[len(a) - size :], b[:size]
    if a == b:
        return size
    # Only lengths at which b contains a's suffix of that length can overlap: find them.
    best, length = 0, 1
    while True:
        found = b.find(a[len(a) - length :])
        if found == -1:
            return best
        length += found
        if found == 0 or a[len(a) - length :] == b[:length]:
            best = length
            length += 1


def _raw_diff(old: str, new: str) -> Diff:
    if old == new:
        return [(_EQUAL, old)] if old else []
    prefix = _common_prefix(old, new)
    suffix = _common_suffix(old[prefix:], new[prefix:])
    a, b = old[prefix : len(old) - suffix], new[prefix : len(new) - suffix]
    diffs: Diff = [(_EQUAL, old[:prefix])] if prefix else []
    if len(a) * len(b) <= CHARACTER_MODE_LIMIT:
        diffs += _character_diff(a, b)
    else:
        # Clause mode: align whole clauses first, compare characters only where they differ.
        clauses_a, clauses_b = _CLAUSE_RE.findall(a), _CLAUSE_RE.findall(b)
        matcher = SequenceMatcher(None, clauses_a, clauses_b, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                diffs.append((_EQUAL, "".join(clauses_a[i1:i2])))
            else:
                diffs += _character_diff("".join(clauses_a[i1:i2]), "".join(clauses_b[j1:j2]))
    if suffix:
        diffs.append((_EQUAL, old[len(old) - suffix :]))
    # Neighbouring equalities (from clause mode) become one.
    merged: Diff = []
    for op, text in diffs:
        if merged and merged[-1][0] == op == _EQUAL:
            merged[-1] = (_EQUAL, merged[-1][1] + text)
        else:
            merged.append((op, text))
    return merged


def _character_diff(a: str, b: str) -> Diff:
    diffs: Diff = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            diffs.append((_EQUAL, a[i1:i2]))
            continue
        if i1 < i2:
            diffs.append((_DELETE, a[i1:i2]))
        if j1 < j2:
            diffs.append((_INSERT, b[j1:j2]))
    return diffs


# --- clean-up, after diff-match-patch -------------------------------------------------


def _cleanup_merge(diffs: Diff) -> None:
    """Merge neighbours with the same operation, factor common affixes out of changes, and
    slide single changes over equalities when that removes one (A<ins>BA</ins>C → <ins>AB</ins>AC)."""
    while True:
        diffs.append((_EQUAL, ""))  # sentinel
        pointer = count_delete = count_insert = 0
        text_delete = text_insert = ""
        while pointer < len(diffs):
            op, text = diffs[pointer]
            if op == _INSERT:
                count_insert += 1
                text_insert += text
                pointer += 1
                continue
            if op == _DELETE:
                count_delete += 1
                text_delete += text
                pointer += 1
                continue
            if count_delete + count_insert > 1:
                if count_delete and count_insert:
                    common = _common_prefix(text_insert, text_delete)
                    if common:
                        before = pointer - count_delete - count_insert - 1
                        if before >= 0 and diffs[before][0] == _EQUAL:
                            diffs[before] = (_EQUAL, diffs[before][1] + text_insert[:common])
                        else:
                            diffs.insert(0, (_EQUAL, text_insert[:common]))
                            pointer += 1
                        text_insert, text_delete = text_insert[common:], text_delete[common:]
                    common = _common_suffix(text_insert, text_delete)
                    if common:
                        diffs[pointer] = (_EQUAL, text_insert[len(text_insert) - common :] + diffs[pointer][1])
                        text_insert = text_insert[: len(text_insert) - common]
                        text_delete = text_delete[: len(text_delete) - common]
                merged = [(code, part) for code, part in ((_DELETE, text_delete), (_INSERT, text_insert)) if part]
                pointer -= count_delete + count_insert
                diffs[pointer : pointer + count_delete + count_insert] = merged
                pointer += len(merged) + 1
            elif pointer and diffs[pointer - 1][0] == _EQUAL:
                diffs[pointer - 1] = (_EQUAL, diffs[pointer - 1][1] + text)
                del diffs[pointer]
            else:
                pointer += 1
            count_delete = count_insert = 0
            text_delete = text_insert = ""
        if diffs[-1] == (_EQUAL, ""):
            diffs.pop()

        changed = False
        pointer = 1
        while pointer < len(diffs) - 1:
            (before_op, before), (op, text), (after_op, after) = diffs[pointer - 1 : pointer + 2]
            if before_op == _EQUAL and after_op == _EQUAL:
                if before and text.endswith(before):
                    diffs[pointer] = (op, before + text[: len(text) - len(before)])
                    diffs[pointer + 1] = (_EQUAL, before + after)
                    del diffs[pointer - 1]
                    changed = True
                elif after and text.startswith(after):
                    diffs[pointer - 1] = (_EQUAL, before + after)
                    diffs[pointer] = (op, text[len(after) :] + after)
                    del diffs[pointer + 1]
                    changed = True
            pointer += 1
        if not changed:
            return


def _cleanup_semantic(diffs: Diff) -> None:
    """Absorb equalities no longer than the changes on both sides, then tidy up."""
    changes = False
    equalities: list[int] = []  # indices of the equalities seen, most recent last
    last_equality: str | None = None
    pointer = 0
    inserted_before = deleted_before = inserted_after = deleted_after = 0
    while pointer < len(diffs):
        op, text = diffs[pointer]
        if op == _EQUAL:
            equalities.append(pointer)
            inserted_before, deleted_before = inserted_after, deleted_after
            inserted_after = deleted_after = 0
            last_equality = text
        else:
            if op == _INSERT:
                inserted_after += len(text)
            else:
                deleted_after += len(text)
            if (
                last_equality
                and len(last_equality) <= max(inserted_before, deleted_before)
                and len(last_equality) <= max(inserted_after, deleted_after)
            ):
                # The equality becomes a deletion followed by an insertion.
                position = equalities.pop()
                diffs.insert(position, (_DELETE, last_equality))
                diffs[position + 1] = (_INSERT, last_equality)
                if equalities:
                    equalities.pop()  # the one before must be looked at again
                pointer = equalities[-1] if equalities else -1
                inserted_before = deleted_before = inserted_after = deleted_after = 0
                last_equality = None
                changes = True
        pointer += 1

    if changes:
        _cleanup_merge(diffs)
    _cleanup_lossless(diffs)
    _extract_overlaps(diffs)


def _extract_overlaps(diffs: Diff) -> None:
    """<del>abcxxx</del><ins>xxxdef</ins> → <del>abc</del>xxx<ins>def</ins> (and the reverse),
    when the overlap is at least half of one of the changes and at least ``MIN_OVERLAP`` long."""
    pointer = 1
    while pointer < len(diffs):
        if diffs[pointer - 1][0] == _DELETE and diffs[pointer][0] == _INSERT:
            deletion, insertion = diffs[pointer - 1][1], diffs[pointer][1]
            forward = _common_overlap(deletion, insertion)
            backward = _common_overlap(insertion, deletion)
            if forward >= backward:
                if forward >= MIN_OVERLAP and (forward >= len(deletion) / 2 or forward >= len(insertion) / 2):
                    diffs[pointer - 1 : pointer + 1] = [
                        (_DELETE, deletion[: len(deletion) - forward]),
                        (_EQUAL, insertion[:forward]),
                        (_INSERT, insertion[forward:]),
                    ]
                    pointer += 1
            elif backward >= MIN_OVERLAP and (backward >= len(deletion) / 2 or backward >= len(insertion) / 2):
                diffs[pointer - 1 : pointer + 1] = [
                    (_INSERT, insertion[: len(insertion) - backward]),
                    (_EQUAL, deletion[:backward]),
                    (_DELETE, deletion[backward:]),
                ]
                pointer += 1
            pointer += 1
        pointer += 1


def _boundary_score(one: str, two: str) -> int:
    """How good a place the point between ``one`` and ``two`` is for a change to begin or end."""
    if not one or not two:
        return 6
    last, first = one[-1], two[0]
    if one.endswith(("\n\n", "\n\r\n")) or two.startswith(("\n\n", "\r\n\n", "\n\r\n", "\r\n\r\n")):
        return 5
    if last in "\r\n" or first in "\r\n":
        return 4
    if last in _SENTENCE_ENDS or (not last.isalnum() and not last.isspace() and first.isspace()):
        return 3
    if last.isspace() or first.isspace():
        return 2
    if not last.isalnum() or not first.isalnum():
        return 1
    return 0


def _cleanup_lossless(diffs: Diff) -> None:
    """Slide single changes between equalities to the best boundary (line, sentence, punctuation)."""
    pointer = 1
    while pointer < len(diffs) - 1:
        (before_op, before), (op, edit), (after_op, after) = diffs[pointer - 1 : pointer + 2]
        if before_op == _EQUAL and after_op == _EQUAL:
            # Slide as far left as possible, then step right looking for the best fit.
            common = _common_suffix(before, edit)
            if common:
                shared = edit[len(edit) - common :]
                before, edit, after = before[: len(before) - common], shared + edit[:-common], shared + after
            best = (before, edit, after)
            best_score = _boundary_score(before, edit) + _boundary_score(edit, after)
            while edit and after and edit[0] == after[0]:
                before, edit, after = before + edit[0], edit[1:] + after[0], after[1:]
                score = _boundary_score(before, edit) + _boundary_score(edit, after)
                if score >= best_score:  # >= prefers changes that end with their punctuation
                    best, best_score = (before, edit, after), score
            if diffs[pointer - 1][1] != best[0]:
                replacement = [(_EQUAL, best[0]), (op, best[1]), (_EQUAL, best[2])]
                diffs[pointer - 1 : pointer + 2] = [(code, text) for code, text in replacement if text]
                if not best[0]:
                    pointer -= 1
        pointer += 1
