"""python manage.py import_draft FILE [--title TITLE] [--dry-run] [--json] [--draft SLUG]"""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cms.uploads import UploadError
from drafts.models import DraftIndexPage, DraftPage, DraftStage
from drafts.readers import MAX_DRAFT_FILE_BYTES, read_draft_file
from drafts.services import draft_create, draft_version_create
from drafts.text import tree_text


class Command(BaseCommand):
    help = "解析法规草案文件（.txt、.md、.docx）；默认创建一部未发布的草案。Parse a draft regulation file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="草案文件：.txt、.md 或 .docx")
        parser.add_argument("--title", default="", help="草案标题（默认取文件中的标题）")
        parser.add_argument("--dry-run", action="store_true", help="只解析，不保存")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出解析结果")
        parser.add_argument("--draft", default="", metavar="SLUG", help="作为这部草案的新版本导入")
        parser.add_argument(
            "--stage",
            default="",
            choices=["", *DraftStage.values],
            help="审议阶段（默认取文件中的稿别，否则为征求意见稿）",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        if path.stat().st_size > MAX_DRAFT_FILE_BYTES:
            raise CommandError(f"文件过大，草案文件不能超过 {MAX_DRAFT_FILE_BYTES // 1024 // 1024} MB。")
        try:
            result = read_draft_file(path.name, path.read_bytes())
        except UploadError as exc:
            raise CommandError(exc.message) from None
        if options["title"]:
            result.title = options["title"]
        options["stage"] = options["stage"] or DraftStage.from_note(result.stage_note) or DraftStage.SOLICITATION
        output = result.to_dict()

        if not options["dry_run"]:
            try:
                output.update(self._save(path, result, options))
            except ValidationError as exc:
                raise CommandError("；".join(exc.messages)) from None

        if options["json"]:
            self.stdout.write(json.dumps(output, ensure_ascii=False))
            return
        self.stdout.write(
            f"{result.title or path.stem}：{output['parts']} 编，{output['chapters']} 章，{output['sections']} 节，"
            f"{output['articles']} 条，{output['paragraphs']} 款，{output['items']} 项"
        )
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(f"提示：{warning.message}"))
        if "draft_id" in output:
            self.stdout.write(self.style.SUCCESS(output["saved"]))

    def _save(self, path, result, options) -> dict:
        if options["draft"]:
            draft = DraftPage.objects.filter(slug=options["draft"]).first()
            if draft is None:
                raise CommandError(f"找不到草案：{options['draft']}")
            version = draft_version_create(
                draft=draft, result=result, stage=options["stage"], source_name=path.name, source_text=tree_text(result)
            )
            return {"draft_id": draft.pk, "version": version.number, "saved": f"已作为第 {version.number} 个版本导入。"}
        index = DraftIndexPage.objects.first()
        if index is None:
            raise CommandError("网站中还没有“法规草案列表”页面，请先在管理后台创建。")
        draft = draft_create(
            index=index,
            result=result,
            title=options["title"],
            stage=options["stage"],
            source_name=path.name,
            source_text=tree_text(result),
        )
        return {
            "draft_id": draft.pk,
            "version": 1,
            "saved": f"已创建未发布的草案（页面编号 {draft.pk}），请在管理后台检查后发布。",
        }
