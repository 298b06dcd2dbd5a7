"""manage.py backup: the database and the uploaded files into BACKUP_DIR (ops.backup)."""

from django.core.management.base import BaseCommand, CommandError

from ops.backup import MANIFEST, BackupError, backup_create


class Command(BaseCommand):
    help = "备份数据库和上传的文件到 BACKUP_DIR（带清单与 SHA-256 校验），只保留最新的 BACKUP_KEEP 份。"

    def add_arguments(self, parser):
        parser.add_argument("--dir", help="备份目录（默认 BACKUP_DIR）")
        parser.add_argument("--keep", type=int, help="保留最新的几份（默认 BACKUP_KEEP；0 为全部保留）")

    def handle(self, *args, dir=None, keep=None, **options):  # noqa: A002 - the option's name
        try:
            path = backup_create(directory=dir, keep=keep)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        size = sum(p.stat().st_size for p in path.iterdir() if p.name != MANIFEST)
        self.stdout.write(self.style.SUCCESS(f"已备份：{path}（{size:,} 字节）"))
