"""Demo data for `make run`: one account per role, contact points, departments and two real drafts.

Loading is idempotent: a second run finds the demo in place and only prints the accounts.
"""

import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from cms.models import HomePage
from cms.roles import Role
from drafts.numerals import from_chinese, to_chinese

DEMO_PASSWORD = "Demo-2026!"  # noqa: S105 - printed on start; demo sites only
FIXTURES = Path(__file__).resolve().parent.parent / "drafts" / "fixtures"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str | None
    description: str
    email: str = ""
    display_name: str = ""


DEMO_ACCOUNTS = [
    DemoAccount("citizen", None, "市民", email="citizen@example.com", display_name="热心市民"),
    DemoAccount("staff", Role.STAFF, "法工委工作人员", email="staff@example.com"),
    DemoAccount("moderator", Role.MODERATOR, "审核员", email="moderator@example.com"),
    DemoAccount("coordinator", Role.COORDINATOR, "联系点联络员（湖滨街道）", email="coordinator@example.com"),
    DemoAccount("coordinator2", Role.COORDINATOR, "联系点联络员（翠苑一区社区）", email="coordinator2@example.com"),
    DemoAccount("liaison", Role.LIAISON, "承办单位联络人（市住保房管局）", email="liaison@example.com"),
    DemoAccount("admin", Role.ADMINISTRATOR, "系统管理员（超级用户）", email="admin@example.com"),
]

CONTACT_POINTS = [
    ("上城区湖滨街道基层立法联系点", "subdistrict", "上城区", "上城区东坡路 7 号", 2016),
    ("西湖区翠苑一区社区基层立法联系点", "community", "西湖区", "西湖区翠苑一区 12 幢", 2018),
    ("浙江大学光华法学院基层立法联系点", "university", "西湖区", "西湖区之江路 51 号", 2015),
    ("钱塘律师事务所基层立法联系点", "law_firm", "钱塘区", "钱塘区白杨街道 6 号大街 452 号", 2020),
    ("余杭区良渚街道基层立法联系点", "subdistrict", "余杭区", "余杭区良渚街道古墩路 1 号", 2019),
    ("滨江区高新企业基层立法联系点", "enterprise", "滨江区", "滨江区网商路 699 号", 2021),
    ("临平区人大代表联络站基层立法联系点", "agency", "临平区", "临平区迎宾路 369 号", 2017),
]

DEPARTMENTS = [
    ("杭州市住房保障和房产管理局", "市住保房管局"),
    ("杭州市城市管理局", "市城管局"),
    ("杭州市市场监督管理局", "市市场监管局"),
    ("杭州市司法局", "市司法局"),
    ("潮州市民族宗教事务局", "市民宗局"),
    ("潮州市文化广电旅游体育局", "市文广旅体局"),
]


def _accounts() -> dict[str, object]:
    User = get_user_model()
    users = {}
    for account in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=account.username,
            defaults={
                "email": account.email,
                "display_name": account.display_name,
                "is_active": True,
                "confirmed_at": timezone.now(),
                "is_superuser": account.username == "admin",
                "is_staff": account.username == "admin",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if account.role:
            user.groups.add(Group.objects.get(name=str(account.role)))
        users[account.username] = user
    return users


def _contact_points(coordinators) -> None:
    from contact_points.models import ContactPoint

    for i, (name, kind, district, address, year) in enumerate(CONTACT_POINTS):
        point, _created = ContactPoint.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "district": district,
                "address": address,
                "phone": f"0571-8{i + 1:03d}{i + 1:04d}",
                "established_on": timezone.localdate().replace(year=year, month=3, day=1),
            },
        )
        if i < len(coordinators):
            point.coordinators.add(coordinators[i])


def _departments(liaison) -> None:
    from comments.models import Department

    for i, (name, short_name) in enumerate(DEPARTMENTS):
        department, _created = Department.objects.get_or_create(name=name, defaults={"short_name": short_name})
        if i == 0:
            department.liaisons.add(liaison)


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
DEMO_RESIDENTS = [("resident1", "湖滨老王"), ("resident2", "退休教师陈老师"), ("resident3", "小区业委会委员")]
DEMO_OPINIONS = [
    ("resident1", 5, "建议明确物业服务人收集业主人脸、车牌等信息前，应当征得业主书面同意，并公示用途和保存期限。"),
    ("resident2", 5, "第五条只说“依法保护”，太笼统。建议增加一款：物业服务人不得向第三方提供业主的电话号码。"),
    ("resident3", 16, "筹集和使用维修资金的表决门槛过高，老旧小区很难达到，建议对紧急维修规定简易程序。"),
    ("resident1", 20, "电子投票很方便，但要照顾不会用手机的老年人，建议写明纸质投票与电子投票具有同等效力。"),
    ("resident2", None, "条例名称和结构都很清楚。建议在附则中对“物业服务人”“非业主使用人”作出定义。"),
]


def _opinions(users) -> None:
    from comments import services
    from comments.models import Opinion
    from drafts.models import DraftPage

    draft = DraftPage.objects.filter(slug="hangzhou-property-management").first()
    if draft is None or Opinion.objects.filter(draft=draft).exists():
        return
    User = get_user_model()
    residents = {}
    for username, display_name in DEMO_RESIDENTS:
        residents[username], _created = User.objects.get_or_create(
            username=username,
            defaults={"display_name": display_name, "is_active": True, "confirmed_at": timezone.now()},
        )
    articles = {a.number: a.pk for a in draft.current_version.provisions.filter(kind="article")}
    posted = []
    for username, number, body in DEMO_OPINIONS:
        opinion, _created = services.opinion_post(
            user=residents[username], draft=draft, body=body, article_id=articles.get(number)
        )
        posted.append(opinion)
    services.opinions_moderate(moderator=users["moderator"], opinion_ids=[o.pk for o in posted], action="publish")
    reply, _created = services.opinion_post(
        user=residents["resident3"],
        draft=draft,
        body="同意，我们小区就发生过电话号码被泄露给装修公司的事。",
        reply_to_id=posted[1].pk,
    )
    services.opinions_moderate(moderator=users["moderator"], opinion_ids=[reply.pk], action="publish")
    services.opinion_post(
        user=users["staff"],
        draft=draft,
        reply_to_id=posted[2].pk,
        body="感谢您的意见。关于紧急维修资金的使用程序，我们正在会同住保房管部门研究，将在修改稿中予以完善。",
    )
    for supporter in ("resident2", "resident3", "citizen"):
        user = residents.get(supporter) or users[supporter]
        services.opinion_support(user=user, opinion_id=posted[0].pk)
    services.opinion_post(
        user=users["citizen"],
        draft=draft,
        article_id=articles.get(12),
        body="物业管理区域调整的决定期限二十个工作日偏长，建议缩短为十个工作日。",
    )
    rejected, _created = services.opinion_post(user=users["citizen"], draft=draft, body="楼下超市的鸡蛋又涨价了。")
    services.opinions_moderate(
        moderator=users["moderator"], opinion_ids=[rejected.pk], action="reject", reason="与草案内容无关"
    )


DEMO_NOTES = [
    "湖滨街道《杭州市物业管理条例（修订草案）》立法征询座谈会纪要",
    "时间：{date}下午",
    "地点：湖滨街道社区服务中心三楼会议室",
    "参会人员：区人大代表 2 人，居民代表 9 人，物业企业代表 2 人，律师 1 人",
    "一、关于第五条",
    "居民代表王某某：第五条写了业主的权利，但没有写业主怎么知道物业费花在哪里，建议增加物业服务人每半年公示收支的规定。",
    "律师陈某：建议第十二条中物业管理区域调整的期限由二十个工作日缩短为十五个工作日，并写明逾期不作决定的后果。",
    "二、其他意见",
    "退休教师刘某：条例的文字对老年人来说有些难懂，建议同时发布一份通俗的解读。",
    "物业企业代表：建议对业主拖欠物业费的情形规定催缴程序，第三十条可以考虑增加一款。",
    "区人大代表张某：建议在第二十条中明确业主大会会议可以采用线上方式召开和表决。",
]


def _notes_docx(date: str) -> bytes:
    import io

    from docx import Document

    document = Document()
    for text in DEMO_NOTES:
        document.add_paragraph(text.format(date=date))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _contact_point_work(users) -> None:
    """A solicitation, two meetings, a batch submitted and received, and notes awaiting review."""
    from contact_points import services
    from contact_points.models import ContactPoint, Meeting, Solicitation
    from drafts.models import DraftPage

    draft = DraftPage.objects.filter(slug="hangzhou-property-management").first()
    if draft is None or Solicitation.objects.filter(draft=draft).exists():
        return
    points = list(ContactPoint.objects.order_by("pk")[:4])
    now = timezone.now()
    services.solicitation_send(
        staff=users["staff"],
        draft=draft,
        deadline=now + timedelta(days=14),
        contact_points=points,
        note="请重点征询物业费公示、业主大会线上表决和物业管理区域调整三方面的意见。",
    )
    today = timezone.localdate()
    # 翠苑一区社区: a meeting and a batch of three opinions, submitted and received.
    cuiyuan, coordinator2 = points[1], users["coordinator2"]
    meeting = services.meeting_save(
        user=coordinator2,
        meeting=Meeting(
            contact_point=cuiyuan,
            draft=draft,
            held_on=today - timedelta(days=5),
            place="翠苑一区社区议事厅",
            attendance_deputy=1,
            attendance_resident=15,
            attendance_other=2,
            summary="社区议事会成员和居民代表逐章学习草案，重点讨论了物业费公示和电梯维修。",
        ),
    )
    batch = services.batch_open(user=coordinator2, contact_point=cuiyuan, draft=draft)
    articles = {a.number: a.pk for a in draft.current_version.provisions.filter(kind="article")}
    for number, body, name, category in [
        (5, "建议明确物业服务人应当在小区显著位置公示电梯维保记录。", "社区居民", "resident"),
        (20, "业主大会线上表决应当有身份核验，防止一人多票。", "周某某", "deputy"),
        (None, "建议条例施行前组织社区开展宣讲。", "社区居委会", "other"),
    ]:
        services.batch_item_save(
            user=coordinator2,
            batch=batch,
            body=body,
            article_id=articles.get(number) if number else None,
            proposer_name=name,
            proposer_category=category,
            meeting=meeting,
        )
    services.batch_submit(user=coordinator2, batch_id=batch.pk)
    services.batches_receive(staff=users["staff"], batch_ids=[batch.pk])
    # 湖滨街道: a meeting whose .docx notes were read into candidates the coordinator still reviews.
    hubin, coordinator = points[0], users["coordinator"]
    meeting = services.meeting_save(
        user=coordinator,
        meeting=Meeting(
            contact_point=hubin,
            draft=draft,
            held_on=today - timedelta(days=2),
            place="湖滨街道社区服务中心",
            attendance_deputy=2,
            attendance_resident=9,
            attendance_enterprise=2,
            attendance_lawyer=1,
            summary="座谈会围绕物业服务收支公示、物业管理区域调整和业主大会线上表决展开。",
        ),
    )
    held = meeting.held_on
    services.note_upload(
        user=coordinator,
        meeting=meeting,
        name="湖滨街道座谈会纪要.docx",
        data=_notes_docx(f"{held.year}年{held.month}月{held.day}日"),
    )


REASON_TEMPLATES = [
    ("adopted", "已采纳，在修改稿相应条款中予以体现。"),
    ("partly_adopted", "部分采纳：合理部分已在修改稿中体现，其余内容由配套文件规定。"),
    ("not_adopted", "上位法已有明确规定，本条例不再重复规定。"),
    ("not_adopted", "属于具体执行问题，建议由主管部门在实施细则中规定。"),
    ("", "已转有关部门研究办理。"),
]

CLOSED_DRAFT_OPINIONS = [
    ("letter", 3, "林某", "建议明确畲族传统村落的认定标准和程序。", "adopted", "已在修改稿第三条中增加认定程序。"),
    ("email", 8, "蓝某某", "畲语传承应当进入中小学课堂，建议增加相关规定。", "partly_adopted",
     "合理部分已体现：鼓励学校开设畲族文化课程；课时安排由教育部门确定。"),
    ("letter", None, "雷某", "建议条例名称改为《潮州市畲族文化保护传承条例》。", "not_adopted",
     "条例名称与上位法和省内同类法规保持一致。"),
    ("email", 12, "钟某", "传承人补助标准应当写入条例。", "not_adopted", "属于具体执行问题，由市民宗部门另行规定。"),
]  # fmt: skip


def _handling(users) -> None:
    """Reason templates, dispositions and a referral on the open draft, public feedback on the closed one."""
    from comments import handling
    from comments.models import Department, Disposition, Opinion, ReasonTemplate
    from comments.services import OfflineOpinion, opinions_import
    from drafts.models import DraftPage

    if ReasonTemplate.objects.exists():
        return
    for i, (disposition, text) in enumerate(REASON_TEMPLATES):
        ReasonTemplate.objects.create(text=text, disposition=disposition, sort_order=i)
    staff, now = users["staff"], timezone.now()
    closed = DraftPage.objects.filter(slug="chaozhou-she-culture").first()
    if closed is not None:
        articles = {a.number: a.pk for a in closed.current_version.provisions.filter(kind="article")}
        for channel, number, name, body, disposition, reason in CLOSED_DRAFT_OPINIONS:
            (opinion,) = opinions_import(
                draft=closed,
                version=closed.current_version,
                channel=channel,
                opinions=[OfflineOpinion(body=body, article_id=articles.get(number), proposer_name=name)],
                now=closed.closes_at - timedelta(days=10),
            )
            handling.opinions_dispose(staff=staff, opinion_ids=[opinion.pk], disposition=disposition, reason=reason)
    draft = DraftPage.objects.filter(slug="hangzhou-property-management").first()
    if draft is None:
        return
    top = Opinion.objects.filter(draft=draft, parent__isnull=True, moderation_state="published").order_by("pk")
    first, second, third = list(top[:3])
    handling.opinions_dispose(
        staff=staff, opinion_ids=[first.pk], disposition=Disposition.ADOPTED, reason=REASON_TEMPLATES[0][1]
    )
    handling.opinions_assign(staff=staff, opinion_ids=[second.pk, third.pk], assignee=staff)
    department = Department.objects.filter(liaisons=users["liaison"]).first()
    if department is not None:
        handling.opinions_forward(
            staff=staff,
            opinion_ids=[third.pk],
            department=department,
            deadline=now + timedelta(days=20),
            instructions="请结合物业专项维修资金管理办法研究紧急维修程序，并答复我委。",
        )


@transaction.atomic
def demo_load() -> list[DemoAccount]:
    users = _accounts()
    _contact_points([users["coordinator"], users["coordinator2"]])
    _departments(users["liaison"])
    _drafts(users["staff"])
    _opinions(users)
    _contact_point_work(users)
    _handling(users)
    from search import services as search_services

    search_services.rebuild()  # searchable at once, before the task cluster has caught up
    home = HomePage.objects.first()
    if home and not home.intro:
        home.intro = "<p>阅读正在征求意见的法规草案，对具体条文发表意见；基层立法联系点在这里汇总群众意见。</p>"
        home.save_revision().publish()
    return DEMO_ACCOUNTS
