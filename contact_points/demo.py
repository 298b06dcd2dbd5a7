"""Demo data of the contact_points app for `make run` (cms.demo runs each app's step in dependency order)."""

from datetime import timedelta

from django.utils import timezone

CONTACT_POINTS = [
    ("上城区湖滨街道基层立法联系点", "subdistrict", "上城区", "上城区东坡路 7 号", 2016),
    ("西湖区翠苑一区社区基层立法联系点", "community", "西湖区", "西湖区翠苑一区 12 幢", 2018),
    ("浙江大学光华法学院基层立法联系点", "university", "西湖区", "西湖区之江路 51 号", 2015),
    ("钱塘律师事务所基层立法联系点", "law_firm", "钱塘区", "钱塘区白杨街道 6 号大街 452 号", 2020),
    ("余杭区良渚街道基层立法联系点", "subdistrict", "余杭区", "余杭区良渚街道古墩路 1 号", 2019),
    ("滨江区高新企业基层立法联系点", "enterprise", "滨江区", "滨江区网商路 699 号", 2021),
    ("临平区人大代表联络站基层立法联系点", "agency", "临平区", "临平区迎宾路 369 号", 2017),
]


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


def load(users: dict) -> None:
    """Seven contact points, a solicitation, a submitted batch and meeting notes read into candidates."""
    _contact_points([users["coordinator"], users["coordinator2"]])
    _contact_point_work(users)
