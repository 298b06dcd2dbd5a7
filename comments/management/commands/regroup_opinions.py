import sys
import time

from django.core.management.base import BaseCommand, CommandError

from cms.progress import progress_bar
from comments import clusters
from drafts.models import DraftPage


class Command(BaseCommand):
    help = (
        "相似意见分组：从头重新分组（显示进度）。平时只需为新意见分组（提交后自动进行）。"
        " Regroup near-duplicate opinions from nothing, with a progress bar."
    )

    def add_arguments(self, parser):
        parser.add_argument("--draft", default="", metavar="SLUG", help="只重新分组这部草案（默认全部草案）")

    def handle(self, *args, draft="", **options):
        drafts = DraftPage.objects.order_by("pk")
        if draft:
            drafts = drafts.filter(slug=draft)
            if not drafts.exists():
                raise CommandError(f"找不到草案：{draft}")
        for page in drafts:
            started = time.perf_counter()
            self.stdout.write(f"《{page.title}》")
            count = clusters.draft_clusters_rebuild(page.pk, progress=progress_bar)
            sys.stderr.write("\n")
            groups = len(set(page.opinions.filter(cluster__isnull=False).values_list("cluster", flat=True)))
            self.stdout.write(
                f"已为 {count:,} 条意见重新分组，共 {groups:,} 组相似意见，用时 {time.perf_counter() - started:.1f} 秒"
            )
