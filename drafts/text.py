"""A parsed tree written back as plain text that parses to the same tree.

The admin import shows this text for staff to correct and re-parse, whatever the file was
(Word, Markdown or text), so one editable form of the draft exists before anything is saved.
"""

from __future__ import annotations

from drafts.parser import Node, ParseResult

HEADINGS = ("part", "subpart", "chapter", "section")


def _table_aware(lines: list[str]) -> list[str]:
    """Runs of table rows (cells joined by " | ") go back to Markdown table syntax."""
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            cells = run[0].count(" | ") + 1
            out.append(f"| {run[0]} |")
            out.append("|" + "---|" * cells)
            out.extend(f"| {row} |" for row in run[1:])
            run.clear()

    for line in lines:
        if " | " in line:
            run.append(line)
        else:
            flush()
            out.append(line)
    flush()
    return out


def _node_lines(node: Node) -> list[str]:
    if node.kind in HEADINGS:
        lines = [f"{node.label}　{node.title}".rstrip("　")]
        for child in node.children:
            lines.extend(_node_lines(child))
        return lines
    if node.kind == "article":
        title = f"（{node.title}）" if node.title else ""
        body = _table_aware(node.text.split("\n"))
        if body and body[0].startswith("| "):
            return [f"{node.label}{title}", *body]
        return [f"{node.label}{title}　{body[0] if body else ''}".rstrip("　"), *body[1:]]
    return [node.text]


def tree_text(result: ParseResult) -> str:
    lines: list[str] = []
    if result.title:
        lines += [result.title, ""]
    if result.preamble:
        lines += [result.preamble, ""]
    for node in result.nodes:
        lines.extend(_node_lines(node))
    return "\n".join(lines) + "\n"
