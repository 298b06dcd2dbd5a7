import io

import docx
import pytest

from cms.uploads import UploadError, sniff
from contact_points.notes import MAX_RANGE, Candidate, article_refs, read_notes
from contact_points.uploads import MAX_NOTE_BYTES, check_note_upload, check_sheet_upload
from tests.contact_points.notes_samples import SAMPLES, NotesSample
from tests.drafts.test_readers import zip_bytes

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(20)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(20)
GIF = b"GIF89a\x01\x00\x01\x00" + bytes(20)
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + bytes(20)
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(200)
HTML = "<!DOCTYPE html><html><body><p>会议纪要</p></body></html>".encode()


def notes_docx(*paragraphs: str, table: list[list[str]] | None = None, after: tuple[str, ...] = ()) -> bytes:
    """A .docx of ``paragraphs``; a table, if given, comes after them, and ``after`` after the table."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, values in zip(grid.rows, table, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
    for text in after:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


XLSX = zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})


def refused(check, *args) -> UploadError:
    with pytest.raises(UploadError) as info:
        check(*args)
    assert info.value.message == str(info.value)
    return info.value


def bodies(candidates: list[Candidate]) -> list[str]:
    return [candidate.body for candidate in candidates]


# --- article references ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("建议修改第十二条。", [12]),
        ("第12条规定过严", [12]),
        ("第１２条规定过严", [12]),
        ("第 12 条", [12]),
        ("第一百零一条", [101]),
        ("关于第十二条第二款，建议删除。", [12]),
        ("第十二条、第十三条应当合并", [12, 13]),
        ("第十二条和第十三条", [12, 13]),
        ("第十二条至第十四条", [12, 13, 14]),
        ("第十二至十四条", [12, 13, 14]),
        ("第12-14条", [12, 13, 14]),
        ("第十二、十三条", [12, 13]),
        ("第十二条、十三条", [12, 13]),
        ("第二十二条之一", [22]),
        ("第十三条与第十二条重复，第十二条应删除", [13, 12]),
    ],
)
def test_article_reference_forms(text: str, expected: list[int]) -> None:
    assert article_refs(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "第三章的结构需要调整",
        "第二款表述不清",
        "第三项应当删除",
        "市人大常委会第十二次会议",
        "第一条件是资金到位",
        "第一，建议加强宣传。",
        "第12345条",
        "第0条",
        "本条例的名称",
    ],
)
def test_what_is_not_an_article_reference(text: str) -> None:
    assert article_refs(text) == []


def test_long_ranges_are_capped() -> None:
    assert article_refs("第一条至第一百条") == list(range(1, MAX_RANGE + 1))
    assert article_refs("第十四条至第十二条") == [14, 12]  # reversed: the two ends only


# --- reading notes --------------------------------------------------------------------


def test_title_front_matter_and_headings_are_not_opinions() -> None:
    data = notes_docx(
        "湖滨街道《示例条例（草案）》座谈会会议纪要",
        "",
        "时间：2026年11月20日下午",
        "地点: 湖滨街道会议室",
        "主持人：李某",
        "参会人员：居民代表12人",
        "出席：街道办事处",
        "会议主题：征求对条例草案的意见",
        "一、关于总则",
        "会议纪要",
        "二、主要意见",
        "- 3 -",
        "大家认为条例整体可行，建议尽快出台。",
        "记录人：王某",
    )
    candidates = read_notes(data)
    assert candidates == [
        Candidate(body="大家认为条例整体可行，建议尽快出台。", article=None, mentions=[], proposer="", paragraph=13)
    ]


def test_each_paragraph_is_tied_to_the_first_article_it_names() -> None:
    candidates = read_notes(
        notes_docx(
            "会议纪要",
            "1. 第十三条与第十二条重复，建议合并。",
            "（二）建议增加第二十二条之一，规定过渡期。",
            "一、希望条例写得通俗一些，让老年人也能看懂。",
        )
    )
    assert [(c.body, c.article, c.mentions) for c in candidates] == [
        ("第十三条与第十二条重复，建议合并。", 13, [13, 12]),
        ("建议增加第二十二条之一，规定过渡期。", 22, [22]),
        ("希望条例写得通俗一些，让老年人也能看懂。", None, []),
    ]
    assert [c.paragraph for c in candidates] == [2, 3, 4]


def test_an_article_heading_ties_the_paragraphs_under_it_until_the_next_heading() -> None:
    candidates = read_notes(
        notes_docx(
            "座谈会纪要",
            "一、关于第十二条的意见",
            "处罚过重，建议降低罚款金额。",
            "建议与第十五条衔接。",
            "关于第二十条",
            "具体意见如下：",
            "应当明确期限。",
            "第三十条（附则）",
            "施行日期过早。",
            "二、其他意见",
            "希望加强宣传。",
        )
    )
    assert [(c.body, c.article) for c in candidates] == [
        ("处罚过重，建议降低罚款金额。", 12),
        ("建议与第十五条衔接。", 15),
        ("应当明确期限。", 20),
        ("施行日期过早。", 30),
        ("希望加强宣传。", None),
    ]
    # The carried article is the heading's; the paragraph itself names none.
    assert candidates[0].mentions == []


def test_a_short_opinion_naming_an_article_is_not_a_heading() -> None:
    candidates = read_notes(notes_docx("会议纪要", "关于第十二条", "建议删除第十三条", "同意"))
    assert [(c.body, c.article) for c in candidates] == [("建议删除第十三条", 13), ("同意", 12)]


@pytest.mark.parametrize(
    ("line", "proposer", "body"),
    [
        ("居民王某某：建议明确保洁的频次。", "王某某", "建议明确保洁的频次。"),
        ("张三（退休教师）：条文太长。", "张三", "条文太长。"),
        ("人大代表李四: 条文太长。", "李四", "条文太长。"),
        ("王某某建议：增加罚则。", "王某某", "增加罚则。"),
        ("企业代表：处罚过重。", "企业代表", "处罚过重。"),
        ("2. 律师张某：期限太短。", "张某", "期限太短。"),
        ("建议：增加罚则。", "", "建议：增加罚则。"),
        ("理由：现行做法不统一。", "", "理由：现行做法不统一。"),
        ("关于第十二条：建议删除。", "", "关于第十二条：建议删除。"),
        ("大家认为：条例可行。", "", "大家认为：条例可行。"),
        ("会上普遍反映的问题是：期限太短。", "", "会上普遍反映的问题是：期限太短。"),
    ],
)
def test_the_proposer_is_read_from_a_leading_speaker(line: str, proposer: str, body: str) -> None:
    [candidate] = read_notes(notes_docx("会议纪要", line))
    assert (candidate.proposer, candidate.body) == (proposer, body)


def test_a_speaker_line_names_the_proposer_of_the_paragraphs_after_it() -> None:
    candidates = read_notes(
        notes_docx(
            "会议纪要", "居民王某某：", "第一，建议增加罚则。", "第二，期限太短。", "二、其他意见", "希望加强宣传。"
        )
    )
    assert [(c.proposer, c.body) for c in candidates] == [
        ("王某某", "第一，建议增加罚则。"),
        ("王某某", "第二，期限太短。"),
        ("", "希望加强宣传。"),
    ]


def test_what_the_meeting_says_is_not_the_last_speakers_opinion() -> None:
    candidates = read_notes(
        notes_docx("会议纪要", "居民王某某：", "建议增加罚则。", "与会人员一致认为，建议尽快提请审议。")
    )
    assert [(c.proposer, c.body) for c in candidates] == [
        ("王某某", "建议增加罚则。"),
        ("", "与会人员一致认为，建议尽快提请审议。"),
    ]


def test_a_line_break_inside_a_paragraph_keeps_one_opinion() -> None:
    document = docx.Document()
    document.add_paragraph("会议纪要")
    paragraph = document.add_paragraph("居民王某某：建议增加罚则。")
    paragraph.add_run().add_break()
    paragraph.add_run("理由是第十二条没有规定责任。")
    buffer = io.BytesIO()
    document.save(buffer)
    [candidate] = read_notes(buffer.getvalue())
    assert candidate.body == "建议增加罚则。\n理由是第十二条没有规定责任。"
    assert (candidate.article, candidate.proposer, candidate.paragraph) == (12, "王某某", 2)


def test_table_cells_are_read_in_document_order() -> None:
    data = notes_docx(
        "会议纪要",
        "一、具体条文",
        table=[
            ["序号", "条文", "意见", "提出人"],
            ["1", "第十二条", "处罚过重，建议降低罚款金额。", "王某某"],
            ["2", "第十五条（物业服务）", "应当明确服务标准。", "李某"],
            ["3", "总体意见", "建议与第八条衔接。", "张三"],
        ],
    )
    candidates = read_notes(data)
    assert [(c.body, c.article) for c in candidates] == [
        ("处罚过重，建议降低罚款金额。", 12),
        ("应当明确服务标准。", 15),
        ("建议与第八条衔接。", 8),
    ]
    # Paragraphs are numbered in document order, cells included: 2 + 4 cells per row.
    assert [c.paragraph for c in candidates] == [9, 13, 17]


def test_known_articles_keep_unknown_numbers_only_as_mentions() -> None:
    data = notes_docx(
        "会议纪要",
        "第九十九条与第三条矛盾。",
        "第九十九条应当删除。",
        "关于第八十八条",
        "期限太短。",
        "第三条应当保留。",
    )
    candidates = read_notes(data, known_articles={1, 2, 3})
    assert [(c.article, c.mentions) for c in candidates] == [(3, [99, 3]), (None, [99]), (None, []), (3, [3])]
    assert [c.article for c in read_notes(data)] == [99, 99, 88, 3]


def test_a_hundred_page_notes_file_is_read_whole() -> None:
    paragraphs = ["某某条例（草案）座谈会会议纪要", "时间：2026年11月20日", "地点：会议室"]
    for n in range(1, 3001):
        if n % 30 == 1:
            paragraphs.append(f"关于第{n // 30 + 1}条")
        paragraphs.append(f"居民王某{n}：这是第{n}条意见，内容较长，用来模拟一份一百页的会议纪要，建议进一步明确。")
    candidates = read_notes(notes_docx(*paragraphs))
    assert len(candidates) == 3000
    assert candidates[-1].article == 3000 and candidates[-1].mentions == [3000]


# --- tables: each row stands alone (issue 18) -----------------------------------------

OPINION_TABLE = [
    ["序号", "涉及条款", "意见建议", "提出人"],
    ["1", "第五十三条", "维修资金使用程序繁琐，建议简化紧急维修的表决程序。", "钱某某"],
    ["2", "—", "建议增加物业服务质量第三方评估的规定。", "吴某"],
    ["3", "", "希望加强宣传。", "郑某"],
]


def test_a_table_row_does_not_inherit_the_article_of_the_row_before() -> None:
    data = notes_docx("会议纪要", "二、具体条款修改意见", table=OPINION_TABLE)
    assert [(c.article, c.proposer) for c in read_notes(data)] == [(53, "钱某某"), (None, "吴某"), (None, "郑某")]


def test_a_paragraph_after_a_table_does_not_inherit_from_it() -> None:
    closing = "与会人员一致认为，条例修订十分必要，建议尽快提请审议。"
    candidates = read_notes(notes_docx("会议纪要", "二、具体意见", table=OPINION_TABLE, after=(closing,)))
    assert (candidates[-1].body, candidates[-1].article, candidates[-1].proposer) == (closing, None, "")


def test_under_an_article_heading_a_row_without_an_article_is_on_the_whole_draft() -> None:
    data = notes_docx("会议纪要", "一、关于第十二条", table=OPINION_TABLE, after=("罚款数额偏低。",))
    candidates = read_notes(data)
    assert [c.article for c in candidates] == [53, None, None, 12]  # the heading still holds after the table


@pytest.mark.parametrize(
    ("header", "proposer"),
    [
        ("提出人", "王某某"),
        ("发言人", "王某某"),
        ("姓名", "王某某"),
        ("单位", "某物业公司"),
        ("提出人（单位）", "王某某"),
    ],
)
def test_the_proposer_comes_from_a_column_headed_with_a_proposer_word(header: str, proposer: str) -> None:
    data = notes_docx(
        "会议纪要", table=[["序号", "涉及条款", "意见建议", header], ["1", "第十二条", "建议删除。", proposer]]
    )
    [candidate] = read_notes(data)
    assert (candidate.article, candidate.proposer, candidate.body) == (12, proposer, "建议删除。")


def test_a_blank_proposer_cell_leaves_the_speaker_in_the_opinion_or_no_one() -> None:
    table = [
        ["序号", "涉及条款", "意见建议", "提出人"],
        ["1", "第十二条", "居民王某：建议删除。", "—"],
        ["2", "第十三条", "建议合并。", "/"],
    ]
    assert [(c.proposer, c.body) for c in read_notes(notes_docx("会议纪要", table=table))] == [
        ("王某", "建议删除。"),
        ("", "建议合并。"),
    ]


def test_a_name_column_is_preferred_to_a_unit_column() -> None:
    table = [["序号", "单位", "姓名", "意见"], ["1", "某物业公司", "赵某", "建议第十二条增加承接查验的规定。"]]
    [candidate] = read_notes(notes_docx("会议纪要", table=table))
    assert (candidate.article, candidate.proposer) == (12, "赵某")


def test_opinion_tables_with_reasons_original_text_and_bare_numbers() -> None:
    table = [
        ["序号", "条款", "草案原文", "修改建议", "理由", "提出人"],
        ["1", "9", "依照本条例第十条的规定办理养犬登记。", "建议将“三十日”修改为“十五日”。", "便于管理。", "王某"],
        ["2", "整体意见", "/", "建议在附则中明确犬只目录。", "", "张某"],
    ]
    candidates = read_notes(notes_docx("意见汇总", table=table))
    assert [(c.body, c.article, c.mentions, c.proposer) for c in candidates] == [
        ("建议将“三十日”修改为“十五日”。\n理由：便于管理。", 9, [9], "王某"),
        ("建议在附则中明确犬只目录。", None, [], "张某"),
    ]


def test_a_table_without_a_header_row() -> None:
    table = [
        ["时间", "2026年3月12日下午"],
        ["地点", "社区服务中心"],
        ["第十二条", "处罚过重，建议降低罚款金额。"],
        ["王某某", "建议增加物业服务质量评估。"],
    ]
    candidates = read_notes(notes_docx("会议纪要", table=table))
    assert [(c.body, c.article, c.proposer) for c in candidates] == [
        ("处罚过重，建议降低罚款金额。", 12, ""),
        ("建议增加物业服务质量评估。", None, "王某某"),
    ]


def test_a_one_cell_table_is_a_frame_around_paragraphs() -> None:
    document = docx.Document()
    document.add_paragraph("会议纪要")
    cell = document.add_table(rows=1, cols=1).cell(0, 0)
    cell.text = "一、关于第十二条"
    cell.add_paragraph("居民王某某：处罚过重，建议降低罚款金额。")
    cell.add_paragraph("期限太短。")
    buffer = io.BytesIO()
    document.save(buffer)
    candidates = read_notes(buffer.getvalue())
    assert [(c.body, c.article, c.proposer) for c in candidates] == [
        ("处罚过重，建议降低罚款金额。", 12, "王某某"),
        ("期限太短。", 12, ""),
    ]


# --- another law's article (issue 18) -------------------------------------------------


def test_another_laws_article_is_not_the_drafts_when_the_sentence_names_the_drafts() -> None:
    line = "参照国务院《物业管理条例》第二十八条的做法，建议第四十五条增加承接查验的规定。"
    [candidate] = read_notes(notes_docx("会议纪要", line))
    assert (candidate.article, candidate.mentions) == (45, [45])


@pytest.mark.parametrize(
    "line",
    [
        "依据《民法典》第二百七十八条，改变共有部分用途应当由业主共同决定。",
        "适用民事诉讼法第一百二十二条的规定即可。",
        "参照《物业管理条例》关于承接查验的第二十八条，明确书面确认。",
    ],
)
def test_another_laws_article_alone_leaves_the_opinion_under_its_heading(line: str) -> None:
    candidates = read_notes(notes_docx("会议纪要", "关于第十二条", line, "二、其他意见", line))
    assert [(c.article, c.mentions) for c in candidates] == [(12, []), (None, [])]


def test_the_drafts_own_title_in_brackets_names_the_drafts_article() -> None:
    data = notes_docx("会议纪要", "《示例条例》第三条的期限太短，建议延长。")
    assert read_notes(data, draft_title="示例条例（草案）")[0].article == 3
    assert read_notes(data)[0].article is None  # read without the title: another 《示例条例》
    assert read_notes(notes_docx("会议纪要", "《示例条例（草案）》第三条的期限太短。"))[0].article == 3


# --- procedural paragraphs (issue 18) -------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "会议由湖滨街道人大工委主任陈某某主持，街道司法所工作人员对草案作了解读，与会人员提出了不少意见和建议。"
        "现将主要意见整理如下：",
        "区人大工委副主任吴某主持会议，12家企业的负责人和法务人员参加座谈。",
        "会议认为，制定该条例对保护和传承畲族文化具有重要意义。",
        "会议最后，陈某某对大家的积极参与表示感谢，并表示将认真梳理大家的意见，按时报送市人大常委会法工委。",
        "会议要求，村委会要认真做好意见收集工作，按时报送镇人大。",
        "林某：今天的座谈会主要听取大家对条例草案的意见，请大家畅所欲言。",
        "以上意见，请予参考。",
        "与会人员结合工作生活实际踊跃发言。",
        "与会人员一致认为，本次座谈会开得很成功。",
        "明理律师事务所",
        "2026年6月3日",
    ],
)
def test_procedural_paragraphs_are_not_opinions(line: str) -> None:
    assert read_notes(notes_docx("会议纪要", line)) == []


@pytest.mark.parametrize(
    "line",
    [
        "与会人员一致认为，条例修订十分必要，建议尽快提请审议。",
        "会议认为，第十二条的罚款过重。",
        "参加座谈的居民普遍希望条例通过后印发宣传册。",
        "与会居民反映，草案回应了群众关心的热点难点问题。",
        "与会人员普遍认为，罚款数额偏低，起不到应有的震慑作用。",
        "同意",
        "条文太长",
    ],
)
def test_a_procedural_word_with_a_proposal_is_still_an_opinion(line: str) -> None:
    assert bodies(read_notes(notes_docx("会议纪要", line))) == [line]


@pytest.mark.parametrize(
    ("line", "proposer", "body"),
    [
        ("王某某认为，第十二条的罚款过重。", "王某某", "第十二条的罚款过重。"),
        ("某某新材料公司总经理陈某某认为，应当明确政策清单。", "陈某某", "应当明确政策清单。"),
        ("某物流公司代表提出，要防止多头检查。", "某物流公司代表", "要防止多头检查。"),
        ("社区网格员黄某反映，类别界定不清。", "黄某", "类别界定不清。"),
        ("王某某建议增加罚则。", "王某某", "建议增加罚则。"),
        ("业主委员会建议增加罚则。", "业主委员会", "建议增加罚则。"),
        ("业主代表：希望分类标准保持一致。", "业主代表", "希望分类标准保持一致。"),
        ("物业公司认为，收费标准过低。", "", "物业公司认为，收费标准过低。"),
        ("有村民提出，期限太短。", "", "有村民提出，期限太短。"),
        ("我们认为，期限太短。", "", "我们认为，期限太短。"),
    ],
)
def test_a_speaker_named_before_a_verb(line: str, proposer: str, body: str) -> None:
    [candidate] = read_notes(notes_docx("会议纪要", line))
    assert (candidate.proposer, candidate.body) == (proposer, body)


# --- realistic notes with answer keys (issue 18) --------------------------------------

#: The share of the key's opinions read with the right article and proposer must reach this.
TARGET_SHARE = 0.95


def score(sample: NotesSample) -> tuple[int, list[str]]:
    """(opinions read right, problems): every candidate must be one opinion of the key."""
    candidates = read_notes(sample.docx(), draft_title=sample.draft_title)
    problems, right, matched = [], 0, set()
    for expected in sample.expected:
        found = [index for index, c in enumerate(candidates) if expected.snippet in c.body]
        if len(found) != 1:
            problems.append(f"{sample.name}: {expected.snippet} found {len(found)} times")
            continue
        matched.add(found[0])
        candidate = candidates[found[0]]
        if (candidate.article, candidate.proposer) == (expected.article, expected.proposer):
            right += 1
        else:
            problems.append(f"{sample.name}: {expected} read as {candidate.article}, {candidate.proposer!r}")
    problems += [f"{sample.name}: not an opinion: {c.body}" for i, c in enumerate(candidates) if i not in matched]
    return right, problems


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda sample: sample.name)
def test_every_candidate_of_real_notes_is_an_opinion_of_the_key(sample: NotesSample) -> None:
    _, problems = score(sample)
    assert [p for p in problems if "not an opinion" in p or "found" in p] == []


def test_real_notes_are_read_into_the_right_articles_with_the_right_proposers() -> None:
    results = [score(sample) for sample in SAMPLES]
    total = sum(len(sample.expected) for sample in SAMPLES)
    right = sum(r for r, _ in results)
    assert len(SAMPLES) >= 5 and total >= 40
    assert right / total >= TARGET_SHARE, [p for _, problems in results for p in problems]


# --- bad uploads ----------------------------------------------------------------------


def test_the_real_kind_is_read_from_the_content() -> None:
    note = notes_docx("会议纪要", "建议增加罚则。")
    assert sniff(note, "纪要.docx") == sniff(note) == "docx"
    assert sniff(note, "纪要.doc") == "docx"  # an extension we do not check
    assert sniff(XLSX, "意见.xlsx") == "xlsx"
    assert sniff(PDF, "纪要.pdf") == "pdf"
    assert sniff(PNG, "照片.png") == "png"
    assert sniff(JPEG, "照片.JPG") == "jpeg"
    assert sniff(GIF, "照片") == "gif"
    assert sniff(WEBP, "照片.webp") == "webp"
    assert sniff("条文,意见\n第一条,建议删除\n".encode("gb18030"), "意见.csv") == "csv"


@pytest.mark.parametrize(
    ("name", "data", "label"),
    [
        ("纪要.docx", EXE, "可执行程序"),
        ("纪要.pdf", HTML, "网页"),
        ("纪要.docx", XLSX, "Excel"),
        ("照片.png", JPEG, "JPEG"),
        ("意见.csv", PDF, "PDF"),
    ],
)
def test_a_renamed_file_is_refused(name: str, data: bytes, label: str) -> None:
    error = refused(sniff, data, name)
    assert error.code == "mismatch"
    assert error.message.startswith("文件内容与扩展名不符：")
    assert label in error.message


def test_content_no_upload_accepts_is_unsupported() -> None:
    assert refused(sniff, EXE, "setup").code == "unsupported"
    assert refused(sniff, HTML, "page.html").code == "unsupported"
    assert refused(sniff, b"Rar!\x1a\x07\x00" + bytes(100), "a.rar").code == "unsupported"


def test_empty_and_oversized_files() -> None:
    assert refused(sniff, b"", "纪要.docx").code == "empty"
    assert refused(sniff, b" \r\n\t", "意见.csv").code == "empty"
    error = refused(check_note_upload, "纪要.pdf", b"%PDF-" + bytes(MAX_NOTE_BYTES))
    assert error.code == "too_large"
    assert "20.0 MB" in error.message and "不能超过 20 MB" in error.message


def test_encrypted_office_file() -> None:
    data = OLE_MAGIC + bytes(504) + "EncryptionInfo".encode("utf-16-le") + bytes(100)
    for name in ("纪要.docx", "意见.xlsx", "file"):
        error = refused(sniff, data, name)
        assert error.code == "encrypted"
        assert "密码" in error.message


@pytest.mark.parametrize(
    ("stream", "name", "advice"),
    [("WordDocument", "纪要.doc", ".docx"), ("Workbook", "意见.xls", ".xlsx"), ("WordDocument", "纪要.docx", ".docx")],
)
def test_old_office_files_are_refused_with_advice(stream: str, name: str, advice: str) -> None:
    data = OLE_MAGIC + bytes(504) + stream.encode("utf-16-le") + bytes(100)
    error = refused(sniff, data, name)
    assert error.code == "old_office"
    assert "另存为" in error.message and advice in error.message


def test_encrypted_pdf() -> None:
    data = PDF.replace(b"/Root 1 0 R", b"/Root 1 0 R /Encrypt 5 0 R")
    error = refused(check_note_upload, "纪要.pdf", data)
    assert error.code == "encrypted"
    assert "密码" in error.message


def test_zips_that_are_not_office_documents_or_are_damaged() -> None:
    error = refused(sniff, zip_bytes({"hello.txt": b"hi"}), "纪要.docx")
    assert error.code == "not_office"
    assert "Word" in error.message and "可接受的格式" in error.message
    assert refused(sniff, b"PK\x03\x04" + b"\x00garbage" * 50, "纪要.docx").code == "corrupt"
    note = notes_docx("会议纪要", "建议增加罚则。")
    assert refused(read_notes, note[: len(note) // 2]).code == "corrupt"


def test_zip_bomb() -> None:
    data = zip_bytes({"word/document.xml": bytes(8 * 1024 * 1024), "[Content_Types].xml": b""})
    assert len(data) < 100_000
    error = refused(check_note_upload, "纪要.docx", data)
    assert error.code == "zip_bomb"
    assert "压缩炸弹" in error.message


def test_notes_accept_documents_and_images_only() -> None:
    assert check_note_upload("纪要.docx", notes_docx("建议增加罚则。")) == "docx"
    assert check_note_upload("纪要.pdf", PDF) == "pdf"
    assert check_note_upload("照片.jpeg", JPEG) == "jpeg"
    error = refused(check_note_upload, "意见.xlsx", XLSX)
    assert error.code == "unsupported"
    assert "Excel" in error.message and "会议纪要可接受的格式" in error.message and ".docx" in error.message
    assert refused(check_note_upload, "意见.csv", "第一条,删除".encode()).code == "unsupported"


def test_sheets_accept_excel_and_csv_only() -> None:
    assert check_sheet_upload("意见.xlsx", XLSX) == "xlsx"
    assert check_sheet_upload("意见.txt", "第一条,删除".encode()) == "csv"
    error = refused(check_sheet_upload, "纪要.docx", notes_docx("建议增加罚则。"))
    assert error.code == "unsupported"
    assert "意见表可接受的格式" in error.message and ".xlsx" in error.message and ".csv" in error.message


def test_only_a_word_document_is_read_into_candidates() -> None:
    assert refused(read_notes, XLSX).code == "unsupported"
    assert refused(read_notes, PDF).code == "unsupported"
    assert refused(read_notes, EXE).code == "unsupported"
    assert refused(read_notes, b"").code == "empty"
