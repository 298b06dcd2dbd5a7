import sys
import time

from django.core.management.base import BaseCommand

from cms.progress import progress_bar
from search import services


class Command(BaseCommand):
    help = (
        "搜索索引：--rebuild 从头重建（显示进度），否则只补上自上次以来的变化。 Rebuild or catch up the search index."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="从头重建全部索引 (rebuild everything)")

    def handle(self, *args, rebuild=False, **options):
        started = time.perf_counter()
        if not rebuild:
            count = services.catch_up()
            self.stdout.write(f"已更新 {count:,} 条索引（{time.perf_counter() - started:.1f} 秒）")
            return
        count = services.rebuild(progress=progress_bar)
        seconds = time.perf_counter() - started
        sys.stderr.write("\n")
        self.stdout.write(
            f"已重建 {count:,} 条索引，用时 {seconds:.1f} 秒（每秒 {count / max(seconds, 0.001):,.0f} 条）"
        )
