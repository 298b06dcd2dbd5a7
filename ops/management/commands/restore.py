"""manage.py restore BACKUP: put a backup back into the configured database and upload folders."""

import sys

from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, backup_resolve, backup_restore, backup_verify, database_label


class Command(BaseCommand):
    help = (
        "从备份恢复数据库和上传的文件（先检查清单中的大小和 SHA-256）。会覆盖当前数据库：须加 --yes-i-know，"
        "或在终端中输入数据库名称确认。恢复前请停止网站和后台任务。"
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", help="备份目录的路径，或 BACKUP_DIR 中备份的名称（backup-…）")
        parser.add_argument("--yes-i-know", action="store_true", help="不再询问，直接覆盖当前数据库")
        parser.add_argument("--no-files", action="store_true", help="只恢复数据库，不恢复上传的文件")

    def handle(self, *args, backup, yes_i_know=False, no_files=False, **options):
        try:
            path = backup_resolve(backup)
            manifest = backup_verify(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        database = database_label()
        self.stdout.write(f"备份 {path.name}（{manifest['created_at']}）清单检查通过。")
        if not yes_i_know:
            if not sys.stdin.isatty():
                raise CommandError("已拒绝恢复：恢复会覆盖当前数据库和文件。请在终端中运行并确认，或加 --yes-i-know。")
            answer = input(f"将用此备份覆盖数据库 {database}，现有数据将丢失。请输入数据库名称确认：")
            if answer.strip() != database:
                raise CommandError("输入与数据库名称不符，未做任何改动。")
        try:
            restored = backup_restore(path=path, files=not no_files)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        files = "，".join(f"{name} {count} 个文件" for name, count in restored.items()) or "未恢复文件"
        self.stdout.write(
            self.style.SUCCESS(f"已恢复数据库 {database}（{files}）。请运行 manage.py migrate 后再启动网站。")
        )
