"""The benchmark data set: a Civil-Code-sized draft and a configurable number of opinions.

The draft has the Civil Code's shape (7 parts, 1,260 articles) with article texts taken from the
real regulations in drafts/fixtures. Opinions are skewed as real consultations are: one hot article
holds a tenth of them, a Zipf tail spreads the rest, a few percent concern the draft as a whole;
channels, contact points, replies, moderation states and dispositions are mixed in realistic shares.

Rows go in with COPY on PostgreSQL and executemany on SQLite, with keys chosen here so that
replies can point at their parents without a round trip.
"""

from __future__ import annotations

import bisect
import itertools
import random
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from bench.registry import Context, Figure, benchmark

SLUG = "civil-code-bench"
TITLE = "民法典（基准测试草案）"
ARTICLES = 1260
HOT_SHARE = 0.10  # of all opinions, on one article (issue: 100,000 of 1,000,000)
HOT_INDEX = ARTICLES * 5 // 6  # 第一千零五十一条: a late article, as in a real Civil Code debate
GENERAL_SHARE = 0.03  # on the draft as a whole
REPLY_SHARE = 0.20
CONTACT_POINTS = 60
FIXTURES = Path(__file__).resolve().parent.parent / "drafts" / "fixtures"

# The Civil Code's parts with their article counts (1,258 + 2 supplementary articles = 1,260).
PARTS = [
    ("总则", 204),
    ("物权", 258),
    ("合同", 526),
    ("人格权", 51),
    ("婚姻家庭", 79),
    ("继承", 45),
    ("侵权责任", 95),
]
CHAPTER_TOPICS = [
    "基本规定", "一般规定", "主体", "权利", "义务", "程序", "效力", "变更和转让", "终止", "保护",
    "管理", "监督", "责任", "特别规定", "登记", "担保", "履行", "救济",
]  # fmt: skip

# Pieces of opinions, combined at random: enough variety for search benchmarks to mean something.
OPENERS = ["建议", "我认为", "希望", "强烈建议", "作为业主，建议", "作为社区工作者，建议", "本单位建议", "呼吁"]
SUBJECTS = [
    "物业服务企业", "业主委员会", "住宅专项维修资金", "小区停车位", "电梯维护", "垃圾分类", "公共收益",
    "物业费标准", "居民委员会", "街道办事处", "房产主管部门", "消防通道", "老旧小区改造", "充电桩安装",
    "高空抛物", "宠物管理", "噪声扰民", "外墙脱落", "地下车库", "快递柜", "绿化养护", "门禁系统",
    "个人信息保护", "未成年人监护", "老年人权益", "遗嘱见证", "合同解除", "违约金", "格式条款", "网络侵权",
]  # fmt: skip
ACTIONS = [
    "明确责任主体", "增加处罚条款", "细化操作程序", "规定公开时限", "降低表决门槛", "提高罚款数额",
    "删除该条", "与上位法保持一致", "增加听证程序", "设置过渡期", "明确收费标准", "加强监督检查",
    "规定信息公开方式", "保障业主知情权", "简化办理流程", "补充定义", "调整适用范围", "明确救济途径",
]  # fmt: skip
REASONS = [
    "实践中争议较大", "目前规定过于原则，难以操作", "群众反映强烈", "各地做法不一", "与现实情况不符",
    "执法部门职责不清", "容易引发纠纷", "不利于保护弱势群体", "有利于提高治理效率", "参照外地成功经验",
]  # fmt: skip
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红梅兰玉珍志"
DISTRICTS = ["上城区", "拱墅区", "西湖区", "滨江区", "萧山区", "余杭区", "临平区", "钱塘区", "富阳区", "临安区"]

CHANNELS = [("online", 0.86), ("contact_point", 0.10), ("letter", 0.02), ("email", 0.02)]
MODERATION = [("published", 0.90), ("pending", 0.05), ("rejected", 0.03), ("hidden", 0.01), ("withdrawn", 0.01)]
DISPOSITION = [
    ("undecided", 0.60),
    ("adopted", 0.08),
    ("partly_adopted", 0.07),
    ("not_adopted", 0.20),
    ("merged", 0.03),
    ("forwarded", 0.02),
]
OPINION_COLUMNS = [
    "id", "draft_id", "version_id", "article_id", "parent_id", "channel", "author_id", "proposer_name",
    "body", "is_official", "moderation_state", "moderation_reason", "disposition", "disposition_reason",
    "support_count", "reply_count", "ip_address", "created_at", "updated_at",
    "reply_to_id", "held_words", "is_campaign", "report_count", "text_hash",
    "reason_public", "cluster_size", "revision", "campaign_checked", "clustered",
]  # fmt: skip


def _chooser(rng: random.Random, weighted: list[tuple[str, float]]):
    """A fast weighted choice: a bisect over cumulative weights."""
    values = [value for value, _weight in weighted]
    cumulative = list(itertools.accumulate(weight for _value, weight in weighted))
    total = cumulative[-1]

    def choose() -> str:
        return values[bisect.bisect(cumulative, rng.random() * total)]

    return choose


def civil_code_text() -> str:
    """A 1,260-article draft in the Civil Code's shape, with real article texts."""
    from drafts.parser import parse_text

    texts: list[str] = []
    for path in sorted(FIXTURES.glob("*.md")):
        texts.extend(article.text for article in parse_text(path.read_text(encoding="utf-8")).articles_flat())
    from drafts.numerals import to_chinese

    lines = [TITLE, ""]
    number = chapter = 0
    for part_index, (part, count) in enumerate(PARTS, start=1):
        lines.append(f"第{to_chinese(part_index)}编　{part}")
        remaining = count
        while remaining:
            chapter += 1
            size = min(remaining, 12 + (chapter * 7) % 13)
            lines.append(f"第{to_chinese(chapter)}章　{CHAPTER_TOPICS[chapter % len(CHAPTER_TOPICS)]}")
            # Every third chapter is divided into two sections.
            sections = [size // 2, size - size // 2] if chapter % 3 == 0 and size >= 4 else [size]
            for section_index, section_size in enumerate(sections, start=1):
                if len(sections) > 1:
                    lines.append(f"第{to_chinese(section_index)}节　{CHAPTER_TOPICS[(chapter + section_index) % 18]}")
                for _ in range(section_size):
                    number += 1
                    lines.append(f"第{to_chinese(number)}条　{texts[number % len(texts)]}")
            remaining -= size
    chapter += 1
    lines.append(f"第{to_chinese(chapter)}章　附则")
    for text in ["本法自公布之日起施行。", "本法施行前的有关规定与本法不一致的，以本法为准。"]:
        number += 1
        lines.append(f"第{to_chinese(number)}条　{text}")
    if number != ARTICLES:
        raise RuntimeError(f"the generated draft has {number} articles, not {ARTICLES}")
    return "\n".join(lines) + "\n"


@dataclass
class Dataset:
    draft_id: int
    version_id: int
    url: str
    hot_article_id: int
    opinions: int


def find_dataset() -> Dataset | None:
    """The data set already in the database, if there is one."""
    from comments.models import Opinion
    from drafts.models import DraftPage

    draft = DraftPage.objects.filter(slug=SLUG).select_related("current_version").first()
    if draft is None or draft.current_version is None:
        return None
    articles = draft.current_version.provisions.filter(kind="article").order_by("position")
    hot = articles[HOT_INDEX : HOT_INDEX + 1].first()
    count = Opinion.objects.filter(draft=draft).count()
    return Dataset(draft.pk, draft.current_version_id, draft.url, hot.pk if hot else 0, count)


def ensure_dataset(ctx: Context) -> Dataset:
    """The data set at the scale asked for: reused when present, otherwise rebuilt from scratch."""
    from bench.database import reset_database

    dataset = find_dataset()
    if dataset is not None and dataset.opinions == ctx.scale:
        return dataset
    ctx.log(f"building the data set with {ctx.scale:,} opinions")
    reset_database(ctx.log)
    return generate(ctx.scale, ctx.log)


def _create_draft(log) -> tuple:
    from cms.models import HomePage
    from drafts.models import DraftIndexPage
    from drafts.parser import parse_text
    from drafts.services import draft_create

    home = HomePage.objects.get()
    index = DraftIndexPage.objects.first()
    if index is None:
        index = DraftIndexPage(title="法规草案", slug="drafts")
        home.add_child(instance=index)
        index.save_revision().publish()
    result = parse_text(civil_code_text())
    if result.articles != ARTICLES or result.warnings:
        raise RuntimeError(f"generated draft parsed wrong: {result.articles} articles, {result.warnings[:3]}")
    opens = timezone.now() - timedelta(days=20)
    draft = draft_create(
        index=index,
        result=result,
        title=TITLE,
        slug=SLUG,
        drafting_body="全国人大常委会法制工作委员会",
        summary="基准测试用的大型草案：七编、一千二百六十条。",
        opens_at=opens,
        closes_at=opens + timedelta(days=40),
        publish=True,
    )
    log(f"draft: {result.articles} articles, {sum(result.counts().values())} provisions")
    return draft, opens


def _people(rng: random.Random, users: int, log) -> tuple[list[int], list[int]]:
    from cms.models import User
    from contact_points.models import ContactPoint

    now = timezone.now()
    User.objects.bulk_create(
        [
            User(
                username=f"bench-{i}",
                display_name=rng.choice(["", "匿名", f"{rng.choice(SURNAMES)}先生", f"居民{i}"]),
                email=f"bench-{i}@example.invalid",
                password="!",  # noqa: S106 - an unusable password
                confirmed_at=now,
            )
            for i in range(users)
        ],
        batch_size=5000,
    )
    user_ids = list(User.objects.filter(username__startswith="bench-").values_list("pk", flat=True))
    kinds = ["community", "subdistrict", "agency", "university", "law_firm", "enterprise", "other"]
    ContactPoint.objects.bulk_create(
        [
            ContactPoint(
                name=f"{DISTRICTS[i % len(DISTRICTS)]}第{i + 1}基层立法联系点",
                kind=kinds[i % len(kinds)],
                district=DISTRICTS[i % len(DISTRICTS)],
            )
            for i in range(CONTACT_POINTS)
        ]
    )
    point_ids = list(ContactPoint.objects.values_list("pk", flat=True))
    log(f"people: {len(user_ids):,} citizens, {len(point_ids)} contact points")
    return user_ids, point_ids


def _opinion_rows(rng, n, draft, opens, article_ids, user_ids, point_ids, first_id):
    """Yield (opinion row, contact point id or None), keys ascending from `first_id`, parents before replies.

    A generator, consumed inside a COPY: it must not touch the database itself.
    """
    hot = article_ids[HOT_INDEX]
    tail = [a for a in article_ids if a != hot]
    rng.shuffle(tail)
    # Zipf weights over the other articles: rank r gets 1 / (r + 4) ** 1.1, so the busiest of them
    # draws about 4 % of all opinions, the top 20 about 31 %, the top 100 about 54 %.
    tail_cumulative = list(itertools.accumulate(1 / ((rank + 4) ** 1.1) for rank in range(1, len(tail) + 1)))
    tail_total = tail_cumulative[-1]
    channel, moderation, disposition = _chooser(rng, CHANNELS), _chooser(rng, MODERATION), _chooser(rng, DISPOSITION)
    top_level: dict[int | None, list[int]] = {}
    period = 20 * 24 * 3600
    for i in range(n):
        key = first_id + i
        roll = rng.random()
        if roll < HOT_SHARE:
            article = hot
        elif roll < HOT_SHARE + GENERAL_SHARE:
            article = None
        else:
            article = tail[bisect.bisect(tail_cumulative, rng.random() * tail_total)]
        parents = top_level.get(article)
        parent = parents[int(len(parents) * rng.random() ** 0.5)] if parents and rng.random() < REPLY_SHARE else None
        chan = "online" if parent else channel()
        created = opens + timedelta(seconds=period * i / n)
        point = None
        if chan == "online":
            author, proposer = user_ids[int(len(user_ids) * rng.random() ** 2)], ""
            ip = f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
        else:
            author, ip = None, None
            proposer = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
            if chan == "contact_point":
                point = point_ids[int(len(point_ids) * rng.random() ** 1.5)]
        parts = [rng.choice(OPENERS), rng.choice(SUBJECTS), "应当", rng.choice(ACTIONS)]
        if rng.random() < 0.7:
            parts += ["，因为", rng.choice(REASONS)]
        if rng.random() < 0.3:
            parts += ["；另外，", rng.choice(SUBJECTS), "方面", rng.choice(ACTIONS)]
        body = "".join(parts) + "。"
        # Contact-point, letter and e-mail opinions never enter the public threads.
        state = moderation() if chan == "online" else "internal"
        decided = disposition() if parent is None else "undecided"
        support = int(rng.paretovariate(1.5)) - 1 if state == "published" and parent is None else 0
        yield (
            key, draft.pk, draft.current_version_id, article, parent, chan, author, proposer, body, False,
            state, "内容与条文无关" if state == "rejected" else "", decided,
            "已有相关规定" if decided in ("not_adopted", "partly_adopted") else "",
            min(support, 5000), 0, ip, created, created,
            parent, "", False, 0, "",
            True, 1, 0, True, True,
        ), point  # fmt: skip
        if parent is None:
            top_level.setdefault(article, []).append(key)


def _insert_postgresql(rows) -> int:
    raw = connection.connection
    links = []
    count = 0
    with raw.cursor() as cursor:
        with cursor.copy(f"COPY comments_opinion ({', '.join(OPINION_COLUMNS)}) FROM STDIN") as copy:
            for row, point in rows:
                copy.write_row(row)
                count += 1
                if point is not None:
                    links.append((row[0], point, ""))
        columns = "opinion_id, contact_point_id, proposer_category"
        with cursor.copy(f"COPY contact_points_contactpointopinion ({columns}) FROM STDIN") as copy:
            for link in links:
                copy.write_row(link)
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('comments_opinion', 'id'), (SELECT MAX(id) FROM comments_opinion))"
        )
    return count


def _insert_sqlite(rows) -> int:
    placeholders = ", ".join(["%s"] * len(OPINION_COLUMNS))
    sql = f"INSERT INTO comments_opinion ({', '.join(OPINION_COLUMNS)}) VALUES ({placeholders})"
    count = 0
    with connection.cursor() as cursor:
        while batch := list(itertools.islice(rows, 20_000)):
            cursor.executemany(sql, [row for row, _point in batch])
            cursor.executemany(
                "INSERT INTO contact_points_contactpointopinion (opinion_id, contact_point_id, proposer_category)"
                " VALUES (%s, %s, '')",
                [(row[0], point) for row, point in batch if point is not None],
            )
            count += len(batch)
    return count


def _update_counts(draft) -> None:
    """Kept counters: replies per opinion, published opinions per article."""
    with connection.cursor() as cursor:
        cursor.execute(
            """UPDATE comments_opinion SET reply_count = sub.n
               FROM (SELECT parent_id, COUNT(*) AS n FROM comments_opinion
                     WHERE parent_id IS NOT NULL AND draft_id = %s GROUP BY parent_id) AS sub
               WHERE comments_opinion.id = sub.parent_id""",
            [draft.pk],
        )
        cursor.execute(
            """UPDATE drafts_provision SET opinion_count = sub.n
               FROM (SELECT article_id, COUNT(*) AS n FROM comments_opinion
                     WHERE draft_id = %s AND article_id IS NOT NULL AND moderation_state = 'published'
                     GROUP BY article_id) AS sub
               WHERE drafts_provision.id = sub.article_id""",
            [draft.pk],
        )
        cursor.execute("ANALYZE")


def generate(n: int, log=print, seed: int = 20261122) -> Dataset:
    """Build the data set in an empty, migrated database."""
    from drafts.models import Provision

    rng = random.Random(seed)
    started = time.perf_counter()
    with transaction.atomic():
        draft, opens = _create_draft(log)
        user_ids, point_ids = _people(rng, max(1000, n // 50), log)
        article_ids = list(
            Provision.objects.filter(version_id=draft.current_version_id, kind="article")
            .order_by("position")
            .values_list("pk", flat=True)
        )
        with connection.cursor() as cursor:
            cursor.execute("SELECT COALESCE(MAX(id), 0) FROM comments_opinion")
            first_id = cursor.fetchone()[0] + 1
        rows = _opinion_rows(rng, n, draft, opens, article_ids, user_ids, point_ids, first_id)
        insert = _insert_postgresql if connection.vendor == "postgresql" else _insert_sqlite
        count = insert(rows)
        log(f"opinions: {count:,} inserted in {time.perf_counter() - started:.1f} s")
        _update_counts(draft)
    log(f"data set ready in {time.perf_counter() - started:.1f} s")
    dataset = find_dataset()
    if dataset is None:
        raise RuntimeError("the data set just built cannot be found")
    return dataset


@benchmark("bench")
def generator(ctx: Context) -> list[Figure]:
    """Build the data set from an empty database, always (the other benchmarks reuse it)."""
    from bench.database import reset_database

    reset_database(ctx.log)
    started = time.perf_counter()
    dataset = generate(ctx.scale, ctx.log)
    seconds = time.perf_counter() - started
    return [
        Figure("bench.generate_s", round(seconds, 1), "s", f"{dataset.opinions:,} opinions, 1,260 articles"),
        Figure("bench.generate_per_s", round(dataset.opinions / seconds), "opinions/s"),
    ]


def staff_user(username: str, display_name: str):
    """A staff member for a benchmark run (any earlier one of that name removed first); unusable password."""
    from django.contrib.auth.models import Group

    from cms.models import User
    from cms.roles import Role

    User.objects.filter(username=username).delete()
    user = User.objects.create(
        username=username,
        email=f"{username}@example.invalid",
        display_name=display_name,
        password="!",  # noqa: S106 - an unusable password
        confirmed_at=timezone.now(),
    )
    user.groups.add(Group.objects.get(name=str(Role.STAFF)))
    return user
