"""python manage.py export_comparison (--draft SLUG --from N --to M | --old FILE --new FILE)
--format docx|json [--all] [--two-columns] --out FILE"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cms.uploads import UploadError
from drafts.comparison import Comparison, compare, parsed_text
from drafts.comparison_word import comparison_docx
from drafts.models import DraftPage
from drafts.readers import MAX_DRAFT_FILE_BYTES, read_draft_file
from drafts.selectors import version_comparison


class Command(BaseCommand):
    help = (
        "导出两个版本的修改前后对照表（.docx 或 JSON）：草案的两个版本，或两个文件（.txt、.md、.docx）。"
        "Export the comparison of two versions of a draft, or of two files."
    )

    def add_arguments(self, parser):
        parser.add_argument("--draft", metavar="SLUG", help="草案的 slug")
        parser.add_argument("--from", dest="from_number", type=int, metavar="N", help="修改前的版本序号")
        parser.add_argument("--to", dest="to_number", type=int, metavar="M", help="修改后的版本序号")
        parser.add_argument("--old", metavar="FILE", help="修改前的文件：.txt、.md 或 .docx")
        parser.add_argument("--new", metavar="FILE", help="修改后的文件：.txt、.md 或 .docx")
        parser.add_argument("--format", required=True, choices=["docx", "json"], help="输出格式")
        parser.add_argument("--all", action="store_true", help="列出全部条文（未修改的条文写“同左”）")
        parser.add_argument("--two-columns", action="store_true", help="不含“修改理由”栏的两栏对照表（仅 docx）")
        parser.add_argument("--out", required=True, metavar="FILE", help="输出文件")

    def handle(self, *args, **options):
        out = Path(options["out"])
        if not out.parent.is_dir():
            raise CommandError(_("输出文件所在的文件夹不存在：%(path)s") % {"path": out.parent})
        if options["two_columns"] and options["format"] != "docx":
            raise CommandError(_("--two-columns 只适用于 --format docx。"))
        comparison = self._comparison(options)
        if options["format"] == "json":
            data = json.dumps(comparison.to_dict(everything=options["all"]), ensure_ascii=False, indent=2).encode()
        else:
            data = comparison_docx(comparison, everything=options["all"], reasons=not options["two_columns"])
        # Everything was built before the file is opened: an error above leaves nothing behind.
        try:
            out.write_bytes(data)
        except OSError as exc:
            raise CommandError(_("无法写入 %(path)s：%(error)s") % {"path": out, "error": exc.strerror}) from None
        shown = len(comparison.selected(everything=options["all"]))
        self.stdout.write(_("已写入 %(path)s（%(rows)s 条）。") % {"path": out, "rows": shown})

    def _comparison(self, options) -> Comparison:
        by_draft = any(options[name] is not None for name in ("draft", "from_number", "to_number"))
        by_files = any(options[name] is not None for name in ("old", "new"))
        if by_draft == by_files:
            raise CommandError(_("请指定 --draft SLUG --from N --to M，或 --old FILE --new FILE，二者选一。"))
        if by_files:
            if options["old"] is None or options["new"] is None:
                raise CommandError(_("请同时指定 --old 和 --new 两个文件。"))
            old, new = Path(options["old"]), Path(options["new"])
            return compare(
                parsed_text(_read(old), name=old.stem, ref=old.name),
                parsed_text(_read(new), name=new.stem, ref=new.name),
            )
        if options["draft"] is None or options["from_number"] is None or options["to_number"] is None:
            raise CommandError(_("请同时指定 --draft、--from 和 --to。"))
        draft = DraftPage.objects.filter(slug=options["draft"]).first()
        if draft is None:
            raise CommandError(_("找不到草案：%(slug)s") % {"slug": options["draft"]})
        versions = {version.number: version for version in draft.versions.all()}
        for number in (options["from_number"], options["to_number"]):
            if number not in versions:
                raise CommandError(
                    _("草案“%(title)s”没有第 %(number)s 版；现有版本：%(numbers)s。")
                    % {"title": draft.title, "number": number, "numbers": "、".join(map(str, sorted(versions)))}
                )
        return version_comparison(old=versions[options["from_number"]], new=versions[options["to_number"]])


def _read(path: Path):
    """A file parsed as the importer parses it; every refusal a CommandError with the reader's message."""
    if not path.is_file():
        raise CommandError(_("找不到文件：%(path)s") % {"path": path})
    if path.stat().st_size > MAX_DRAFT_FILE_BYTES:
        raise CommandError(
            _("文件过大，草案文件不能超过 %(size)s MB：%(path)s")
            % {"size": MAX_DRAFT_FILE_BYTES // 1024 // 1024, "path": path}
        )
    try:
        return read_draft_file(path.name, path.read_bytes())
    except UploadError as exc:
        raise CommandError(f"{path.name}：{exc.message}") from None
    except OSError as exc:
        raise CommandError(_("无法读取 %(path)s：%(error)s") % {"path": path, "error": exc.strerror}) from None
