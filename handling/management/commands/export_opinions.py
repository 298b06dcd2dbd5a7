"""python manage.py export_opinions --draft <slug or id> --format docx|summary|xlsx|csv --out FILE"""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from drafts.models import DraftPage
from handling.exports import WRITERS, export_count, export_write

PROGRESS_STEP = 5  # per cent


class Command(BaseCommand):
    help = (
        "导出草案的意见：意见采纳情况表（docx）、意见汇总报告（summary）、Excel（xlsx）或 CSV。"
        " Export a draft's opinions."
    )

    def add_arguments(self, parser):
        parser.add_argument("--draft", required=True, metavar="SLUG_OR_ID", help="草案的 slug 或编号")
        parser.add_argument("--format", required=True, dest="fmt", metavar="FORMAT", help=" | ".join(WRITERS))
        parser.add_argument("--out", required=True, metavar="FILE", help="输出文件路径")

    def handle(self, *args, draft: str, fmt: str, out: str, **options):
        if fmt not in WRITERS:
            raise CommandError(f"未知的导出格式“{fmt}”，可选：{'、'.join(WRITERS)}。")
        found = self._draft(draft)
        path = Path(out)
        total = export_count(found.pk)
        self.stderr.write(f"《{found.title}》：{total:,} 条意见，导出为 {fmt} → {path}")
        try:
            handle = path.open("wb")
        except OSError as exc:
            raise CommandError(f"无法写入文件 {path}：{exc.strerror or exc}") from None
        started = time.perf_counter()
        shown = -1

        def progress(done: int) -> None:
            nonlocal shown
            percent = min(100, done * 100 // total) if total else 100
            step = percent - percent % PROGRESS_STEP
            if step > shown:
                shown = step
                bar = "#" * (step // PROGRESS_STEP) + "." * ((100 - step) // PROGRESS_STEP)
                self.stderr.write(f"[{bar}] {step:3d}%（{done:,}/{total:,}）")

        try:
            with handle:
                count = export_write(fmt, handle, found.pk, progress=progress)
        except BaseException:
            path.unlink(missing_ok=True)  # no half-written file left behind
            raise
        seconds = time.perf_counter() - started
        self.stderr.write(f"完成：{count:,} 条意见，用时 {seconds:.1f} 秒。")
        self.stdout.write(str(count))

    def _draft(self, value: str) -> DraftPage:
        value = value.strip()
        if value.isdigit():
            draft = DraftPage.objects.filter(pk=int(value)).first()
            if draft is not None:
                return draft
        drafts = list(DraftPage.objects.filter(slug=value)[:2])
        if not drafts:
            raise CommandError(f"找不到草案“{value}”，请填写草案的 slug 或编号。")
        if len(drafts) > 1:
            raise CommandError(f"有多部草案的 slug 都是“{value}”，请改用草案编号。")
        return drafts[0]
