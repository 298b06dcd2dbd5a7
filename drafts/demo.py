"""Demo data of the drafts app for `make run` (cms.demo runs each app's step in dependency order)."""

import re
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from cms.models import HomePage
from drafts.numerals import from_chinese, to_chinese

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _drafts(staff) -> None:
    from drafts.models import DraftIndexPage, DraftPage, DraftStage
    from drafts.parser import parse_text
    from drafts.services import draft_create, draft_version_create

    home = HomePage.objects.first()
    index = DraftIndexPage.objects.first()
    if index is None:
        index = DraftIndexPage(title="法规草案", slug="drafts", intro="<p>正在征求意见和已结束征求意见的法规草案。</p>")
        home.add_child(instance=index)
        index.save_revision().publish()
    if DraftPage.objects.exists():
        return
    now = timezone.now()
    open_text = (FIXTURES / "杭州市物业管理条例(2021-08-09).md").read_text(encoding="utf-8")
    # Two readings, so that the diff page has something to show: an earlier text, then the real one.
    draft = draft_create(
        index=index,
        result=parse_text(_earlier_reading(open_text)),
        title="杭州市物业管理条例（修订草案）",
        slug="hangzhou-property-management",
        stage=DraftStage.SOLICITATION,
        drafting_body="杭州市住房保障和房产管理局",
        summary="规范物业管理活动，完善业主大会和业主委员会制度，加强物业服务监督管理。",
        opens_at=now - timedelta(days=7),
        closes_at=now + timedelta(days=30),
        publish=True,
        created_by=staff,
        source_name="杭州市物业管理条例（修订草案征求意见稿）.md",
    )
    draft_version_create(
        draft=draft,
        result=parse_text(open_text),
        stage=DraftStage.REVISED,
        created_by=staff,
        source_name="杭州市物业管理条例（修订草案修改稿）.md",
    )
    version = draft.current_version
    for number, note in ARTICLE_NOTES.items():
        version.provisions.filter(kind="article", number=number).update(note=note)
    DraftPage.objects.filter(pk=draft.pk).update(stage=DraftStage.REVISED)
    closed_text = (FIXTURES / "潮州市畲族文化保护条例(2021-04-29).md").read_text(encoding="utf-8")
    draft_create(
        index=index,
        result=parse_text(closed_text),
        title="潮州市畲族文化保护条例（草案）",
        slug="chaozhou-she-culture",
        stage=DraftStage.FIRST_READING,
        drafting_body="潮州市民族宗教事务局",
        summary="加强畲族文化的保护、传承和发展。",
        opens_at=now - timedelta(days=90),
        closes_at=now - timedelta(days=30),
        publish=True,
        created_by=staff,
    )


# Plain-language notes (释义) the demo shows on three articles of the Hangzhou draft.
ARTICLE_NOTES = {
    5: (
        "物业服务人掌握大量业主的姓名、电话、车辆、门禁等信息。"
        "本条要求物业管理各方依法保护这些个人信息，不得泄露或者用于与物业服务无关的用途。"
    ),
    16: "本条列出必须由业主共同决定的事项。筹集和使用维修资金、改建重建建筑物等重大事项，需要更高比例的业主同意。",
    20: "电子投票便于上班族和不常住小区的业主参与表决；不会使用手机的业主可以要求纸质选票，业主委员会应当提供。",
}

_ARTICLE_LINE = re.compile(r"^第([零〇一二三四五六七八九十百千]+)条([ 　])")


def _earlier_reading(text: str) -> str:
    """The consultation draft before revision: no privacy article, one article more, looser wording."""
    lines = text.splitlines()
    out: list[str] = []
    skipping = False
    for line in lines:
        found = _ARTICLE_LINE.match(line)
        if found:
            number = from_chinese(found.group(1))
            skipping = number == 5  # 第五条 (personal information) was added on revision
            if skipping:
                continue
            if number == 4:
                line = "第四条 鼓励运用新技术、新方法，提升物业管理质量和服务水平。"
            elif number == 20:
                line = "第二十条 业主投票可以采用电子方式。"
            elif number == 14:
                out.append("第十四条 业主可以书面委托他人参加业主大会会议、行使投票权。")
                out.append("")
        elif skipping and line.strip() and not line.startswith("#"):
            continue  # a further paragraph of the left-out article
        elif line.startswith("#"):
            skipping = False
        out.append(line)
    # Number the articles afresh, as the earlier text had them.
    number = 0
    for i, line in enumerate(out):
        found = _ARTICLE_LINE.match(line)
        if found:
            number += 1
            out[i] = f"第{to_chinese(number)}条{found.group(2)}{line[found.end() :]}"
    return "\n".join(out) + "\n"


# Residents' opinions on the open draft: published ones with replies and support, an official reply,
# one waiting for a moderator and one rejected, so that every screen has something to show.


def load(users: dict) -> None:
    """Two real drafts: the open 杭州市物业管理条例 with an earlier reading, the closed 潮州 one."""
    _drafts(users["staff"])
