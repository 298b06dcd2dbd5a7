"""Realistic 座谈会纪要 written as contact points write them, with hand-made answer keys.

Each sample is built into a .docx by python-docx: a title, front matter, the chair's opening,
speakers' remarks, headings, opinion tables of the kinds coordinators use (序号 | 涉及条款 |
意见建议 | 提出人; 发言人 | 单位 | 发言要点; 条款 | 原文 | 修改建议 | 理由 | 提出人; 姓名 | 单位 |
意见), closing remarks and signatures.  The key lists every opinion in the notes with the
article a legislative-affairs clerk would file it under (None: 整体意见) and its proposer as
the notes name them ("" when they do not).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import docx

Block = tuple[str, str] | tuple[str, list[list[str]]]


@dataclass(frozen=True)
class Expected:
    """An opinion of the key: a piece of its text that identifies it, its article and proposer."""

    snippet: str
    article: int | None
    proposer: str


@dataclass(frozen=True)
class NotesSample:
    name: str
    draft_title: str
    blocks: tuple[Block, ...]
    expected: tuple[Expected, ...]

    def docx(self) -> bytes:
        document = docx.Document()
        for kind, content in self.blocks:
            if kind == "title":
                document.add_paragraph(content, style="Title")
            elif kind == "h":
                document.add_heading(content, level=2)
            elif kind == "p":
                document.add_paragraph(content)
            else:
                rows = content
                width = max(len(values) for values in rows)
                table = document.add_table(rows=len(rows), cols=width)
                table.style = "Table Grid"
                for row, values in zip(table.rows, rows, strict=True):
                    if len(values) == 1:  # a title row merged across the table
                        row.cells[0].merge(row.cells[-1]).text = values[0]
                        continue
                    for cell, value in zip(row.cells, values, strict=True):
                        cell.text = value
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()


# The case of the issue: a street office, an opening by the chair, speakers, a table whose second row
# has no article, another law's article next to the draft's, a closing remark and thanks.
PROPERTY = NotesSample(
    name="湖滨街道·物业管理条例",
    draft_title="杭州市物业管理条例（修订草案征求意见稿）",
    blocks=(
        ("title", "湖滨街道基层立法联系点《杭州市物业管理条例（修订草案征求意见稿）》座谈会纪要"),
        ("p", "时间：2026年3月12日下午2:30"),
        ("p", "地点：湖滨街道社区服务中心三楼会议室"),
        ("p", "参加人员：社区居民代表、业主委员会成员、物业服务企业代表、律师等15人"),
        (
            "p",
            "会议由湖滨街道人大工委主任陈某某主持。街道司法所工作人员首先用通俗的语言对草案的主要内容作了解读，"
            "与会人员结合各自小区的实际情况，围绕物业服务、业主大会、维修资金等问题踊跃发言，提出了不少意见和建议。"
            "现将主要意见整理如下：",
        ),
        ("h", "一、发言摘要"),
        (
            "p",
            "居民代表王某某：第十二条规定业主大会筹备组由建设单位牵头组建，但很多老小区的建设单位早已不存在，"
            "建议改为由街道办事处、乡镇人民政府指导业主推选代表组建。",
        ),
        (
            "p",
            "业主委员会主任李某：第三十五条关于业主委员会成员补贴的规定不够明确，建议明确补贴的来源和标准由业主大会决定，"
            "并向全体业主公示。",
        ),
        (
            "p",
            "物业公司项目经理赵某某：参照国务院《物业管理条例》第二十八条的做法，建议第四十五条增加物业服务企业"
            "承接查验时应当与建设单位签订书面确认书的规定。",
        ),
        (
            "p",
            "律师孙某：草案对业主违规饲养宠物、高空抛物等行为的处理规定分散在多个条文中，建议集中规定，便于群众查找。",
        ),
        ("p", "退休教师周某某（楼道长）：希望条例用语更通俗一些，多举例子，让老年人也能看明白。"),
        ("h", "二、具体条款修改意见"),
        (
            "table",
            [
                ["序号", "涉及条款", "意见建议", "提出人"],
                [
                    "1",
                    "第五十三条",
                    "专项维修资金使用程序过于繁琐，建议对电梯、消防等紧急维修情形简化表决程序，可以先行使用、事后公示。",
                    "钱某某",
                ],
                ["2", "—", "建议增加物业服务质量第三方评估的规定，评估结果向业主公开。", "吴某"],
                [
                    "3",
                    "第六十二条第二款",
                    "罚款幅度偏低，对拒不整改的物业服务人起不到威慑作用，建议提高到五万元以上十万元以下。",
                    "郑某某",
                ],
                ["4", "第七十条、第七十一条", "两条内容有重复，建议合并。", "冯某"],
            ],
        ),
        (
            "p",
            "与会人员一致认为，条例修订十分必要，草案总体上符合我市物业管理工作实际，"
            "建议在充分吸收各方意见的基础上尽快提请审议。",
        ),
        (
            "p",
            "会议最后，陈某某对大家的积极参与表示感谢，并表示将认真梳理大家的意见，按时报送市人大常委会法工委。",
        ),
        ("p", "记录人：刘某"),
    ),
    expected=(
        Expected("业主大会筹备组由建设单位牵头组建", 12, "王某某"),
        Expected("业主委员会成员补贴", 35, "李某"),
        Expected("承接查验时应当与建设单位签订书面确认书", 45, "赵某某"),
        Expected("高空抛物", None, "孙某"),
        Expected("让老年人也能看明白", None, "周某某"),
        Expected("紧急维修情形简化表决程序", 53, "钱某某"),
        Expected("第三方评估", None, "吴某"),
        Expected("起不到威慑作用", 62, "郑某某"),
        Expected("两条内容有重复", 70, "冯某"),
        Expected("条例修订十分必要", None, ""),
    ),
)

# A village: front matter, the meeting described, headings naming articles, speakers by role and name.
VILLAGE = NotesSample(
    name="石古坪村·畲族文化保护条例",
    draft_title="潮州市畲族文化保护条例（草案）",
    blocks=(
        ("p", "凤凰镇石古坪村基层立法联系点关于《潮州市畲族文化保护条例（草案）》的意见征集会议纪要"),
        ("p", "会议时间：2026年4月8日上午"),
        ("p", "会议地点：石古坪村村民委员会会议室"),
        ("p", "主持人：村党支部书记雷某某"),
        ("p", "参加人员：村“两委”干部、畲族村民代表、非遗传承人、乡村教师共12人"),
        (
            "p",
            "会上，镇人大主席团工作人员逐条介绍了草案的起草背景和主要内容，与会人员进行了认真讨论。"
            "会议认为，制定该条例对保护和传承畲族文化具有重要意义。",
        ),
        ("p", "一、关于第八条（保护名录）"),
        ("p", "非遗传承人蓝某某：建议把畲族山歌、招兵节、畲族彩带编织技艺都列入保护名录，名录要定期更新。"),
        ("p", "村民钟某：名录的认定标准要让老百姓知道，建议认定前在村里公示。"),
        ("p", "二、关于第十五条（代表性传承人）"),
        ("p", "非遗传承人蓝某某：目前传承人补助每年只有几千元，建议明确补助标准并逐步提高，鼓励年轻人学习。"),
        ("p", "乡村教师雷某：建议第十五条与第二十条衔接，把进校园传承活动纳入学校课程安排。"),
        ("p", "三、关于第二十二条至第二十四条（法律责任）"),
        ("p", "村民代表蓝某：第二十三条对破坏传统村落风貌的处罚只规定了“责令改正”，建议增加罚款的规定。"),
        ("p", "有村民提出，第二十四条中的“情节严重”应当具体列举，否则基层不好执行。"),
        ("p", "四、其他意见"),
        ("p", "与会村民普遍希望条例通过后，能够印发畲汉双语的宣传册，组织到村里宣讲。"),
        ("p", "会议要求，村委会要认真做好意见收集工作，按时报送镇人大。"),
        ("p", "记录：雷某"),
    ),
    expected=(
        Expected("畲族彩带编织技艺", 8, "蓝某某"),
        Expected("认定前在村里公示", 8, "钟某"),
        Expected("传承人补助每年只有几千元", 15, "蓝某某"),
        Expected("进校园传承活动", 15, "雷某"),
        Expected("破坏传统村落风貌", 23, "蓝某"),
        Expected("“情节严重”应当具体列举", 24, ""),
        Expected("畲汉双语的宣传册", None, ""),
    ),
)

# A law school: experts in a 发言人 | 单位 | 发言要点 table with no article column; other laws cited
# (《立法法》, a province's regulation) beside the draft's own articles.
UNIVERSITY = NotesSample(
    name="法学院·科学技术普及条例",
    draft_title="滨江市科学技术普及条例（草案）",
    blocks=(
        ("title", "滨江大学法学院基层立法联系点《滨江市科学技术普及条例（草案）》专家论证会纪要"),
        ("p", "一、会议基本情况"),
        (
            "p",
            "2026年5月20日，滨江大学法学院基层立法联系点召开专家论证会，就《滨江市科学技术普及条例（草案）》"
            "听取专家学者意见。联系点负责人张某主持会议，法学院、公共管理学院、市科协的8位专家参加了会议。",
        ),
        ("p", "二、专家发言要点"),
        (
            "table",
            [
                ["序号", "发言人", "单位", "发言要点"],
                [
                    "1",
                    "刘某某",
                    "法学院",
                    "草案第三条将科普工作定位为“公益事业”，与《中华人民共和国科学技术普及法》第三条的表述一致，"
                    "但建议第三条增加“社会化协同”的原则。",
                ],
                [
                    "2",
                    "陈某",
                    "公共管理学院",
                    "建议第十五条至第十七条关于科普基地的规定整合为一条，并明确科普基地的认定和退出机制。",
                ],
                [
                    "3",
                    "黄某某",
                    "市科学技术协会",
                    "第二十一条第二款规定的科普经费“逐步增长”缺乏刚性，建议参照《江南省科学技术普及条例》第十八条，"
                    "规定科普经费占财政支出的比例。",
                ],
                [
                    "4",
                    "林某",
                    "法学院",
                    "草案法律责任一章只有两条，对虚假宣传、伪科学活动的处理规定不足，建议增加相应罚则。",
                ],
                [
                    "5",
                    "何某某",
                    "新闻与传播学院",
                    "依据《立法法》第八十一条的规定，设区的市可以对城乡建设与管理等方面的事项制定地方性法规，"
                    "建议草案第二条的适用范围表述与上位法保持一致。",
                ],
            ],
        ),
        ("p", "三、会议总体意见"),
        ("p", "与会专家认为，草案结构完整、重点突出，建议进一步突出本市特色，增强可操作性。"),
        ("p", "联系点将对专家意见进行整理，形成书面材料报送市人大常委会法制工作委员会。"),
    ),
    expected=(
        Expected("社会化协同", 3, "刘某某"),
        Expected("科普基地的认定和退出机制", 15, "陈某"),
        Expected("缺乏刚性", 21, "黄某某"),
        Expected("伪科学活动", None, "林某"),
        Expected("适用范围表述与上位法保持一致", 2, "何某某"),
        Expected("突出本市特色", None, ""),
    ),
)

# A law firm's written summary: 条款 | 草案原文 | 修改建议 | 理由 | 提出人, the original text citing other
# articles, a row on the whole draft, a row with an empty article cell; a closing line and a signature.
LAW_FIRM = NotesSample(
    name="律师事务所·养犬管理条例",
    draft_title="滨江市养犬管理条例（修订草案征求意见稿）",
    blocks=(
        ("p", "明理律师事务所基层立法联系点关于《滨江市养犬管理条例（修订草案征求意见稿）》的意见汇总"),
        (
            "p",
            "根据市人大常委会法工委的通知，我所组织执业律师对草案进行了研究，召开了专题讨论会，现将意见汇总如下：",
        ),
        (
            "table",
            [
                ["序号", "条款", "草案原文", "修改建议", "理由", "提出人"],
                [
                    "1",
                    "第九条",
                    "第九条　养犬人应当自取得犬只之日起三十日内，依照本条例第十条的规定办理养犬登记。",
                    "建议将“三十日”修改为“十五日”。",
                    "缩短登记期限有利于及时掌握犬只信息，也与周边城市的规定一致。",
                    "王某",
                ],
                [
                    "2",
                    "第十八条第一款",
                    "禁止在下列场所饲养大型犬、烈性犬：（一）……（三）老旧小区。",
                    "建议删除第一款第（三）项。",
                    "该项与第二十条重复。",
                    "李某某",
                ],
                [
                    "3",
                    "整体意见",
                    "/",
                    "建议在附则中明确“大型犬”“烈性犬”的具体目录由公安机关会同畜牧兽医主管部门制定并公布。",
                    "便于执法。",
                    "张某",
                ],
                [
                    "4",
                    "第三十二条",
                    "违反本条例第十八条规定的，由公安机关没收犬只，并处一千元以上五千元以下罚款。",
                    "建议区分情节轻重，设置阶梯式罚款。",
                    "《中华人民共和国行政处罚法》第五条规定，设定和实施行政处罚必须与违法行为的事实、性质、情节"
                    "以及社会危害程度相当。",
                    "赵某",
                ],
                [
                    "5",
                    "",
                    "",
                    "第二十五条规定的犬只免疫证明，建议实行电子化，与养犬登记系统互通。",
                    "",
                    "孙某某",
                ],
            ],
        ),
        ("p", "以上意见，请予参考。"),
        ("p", "明理律师事务所"),
        ("p", "2026年6月3日"),
    ),
    expected=(
        Expected("修改为“十五日”", 9, "王某"),
        Expected("建议删除第一款第（三）项", 18, "李某某"),
        Expected("具体目录由公安机关会同", None, "张某"),
        Expected("阶梯式罚款", 32, "赵某"),
        Expected("免疫证明", 25, "孙某某"),
    ),
)

# Enterprises: numbered speakers with and without a colon, 之一, a range, the Civil Code cited before
# the draft's article, and a 姓名 | 单位 | 意见 table.
BUSINESS = NotesSample(
    name="高新区企业·优化营商环境条例",
    draft_title="滨江市优化营商环境条例（草案）",
    blocks=(
        ("title", "高新区企业基层立法联系点《滨江市优化营商环境条例（草案）》座谈会纪要"),
        (
            "p",
            "2026年7月15日下午，高新区管委会在企业服务中心召开座谈会，听取辖区企业对《滨江市优化营商环境条例（草案）》"
            "的意见。区人大工委副主任吴某主持会议，12家企业的负责人和法务人员参加座谈。现将有关情况纪要如下：",
        ),
        ("h", "一、企业代表发言"),
        (
            "p",
            "1. 张某（某科技公司法务总监）：根据《中华人民共和国民法典》第五百零九条的规定，"
            "合同当事人应当全面履行义务，建议第三十条增加政府部门不得以行政区划调整、政府换届等为由违约毁约的规定。",
        ),
        (
            "p",
            "2. 某某新材料公司总经理陈某某认为，第十二条之一规定的“免申即享”政策很好，"
            "但应当明确适用的政策清单和公布渠道。",
        ),
        (
            "p",
            "3. 刘某（某餐饮企业负责人）：办事窗口经常让企业重复提交材料，建议第二十五条明确“一次告知、一表申请”，"
            "并规定不得要求企业提供政府部门已有的材料。",
        ),
        (
            "p",
            "4. 某物流公司代表提出，第四十条至第四十二条关于涉企检查的规定很有必要，但要防止多头检查，"
            "建议规定同一部门一年内对同一企业的检查原则上不超过一次。",
        ),
        ("h", "二、书面意见"),
        (
            "table",
            [
                ["序号", "姓名", "单位", "意见"],
                ["1", "周某", "某生物医药公司", "建议第十八条对创新药品进入医院采购目录设立绿色通道。"],
                [
                    "2",
                    "郑某某",
                    "某建筑公司",
                    "拖欠中小企业账款问题突出，建议明确政府部门和国有企业拖欠账款的法律责任。",
                ],
                [
                    "3",
                    "王某",
                    "某银行高新支行",
                    "第三十五条第一款中“融资担保”的表述，建议与《融资担保公司监督管理条例》第二条的定义保持一致。",
                ],
            ],
        ),
        ("p", "会议认为，优化营商环境是一项系统工程，需要各方共同努力。"),
        ("p", "高新区人大工委"),
        ("p", "2026年7月16日"),
    ),
    expected=(
        Expected("违约毁约", 30, "张某"),
        Expected("免申即享", 12, "陈某某"),
        Expected("一次告知、一表申请", 25, "刘某"),
        Expected("多头检查", 40, "某物流公司代表"),
        Expected("绿色通道", 18, "周某"),
        Expected("拖欠账款的法律责任", None, "郑某某"),
        Expected("融资担保", 35, "王某"),
    ),
)

# A neighbourhood: front matter with 主持：/参加：/议题：, the chair's remark as a speaker, a speaker line
# on its own followed by numbered points, a nickname, and a closing 会议认为.
NEIGHBOURHOOD = NotesSample(
    name="桃源社区·电动自行车管理条例",
    draft_title="滨江市电动自行车管理条例（草案）",
    blocks=(
        ("p", "桃源社区基层立法联系点座谈会记录"),
        ("p", "时间：2026年8月2日上午9:00"),
        ("p", "地点：桃源社区党群服务中心"),
        ("p", "主持：社区党委书记林某"),
        ("p", "参加：居民代表、快递骑手、电动自行车经营户、物业管理人员共18人"),
        ("p", "议题：听取对《滨江市电动自行车管理条例（草案）》的意见"),
        ("p", "林某：今天的座谈会主要听取大家对电动自行车管理条例草案的意见，请大家畅所欲言。"),
        ("p", "居民代表何某某："),
        (
            "p",
            "第一，第十四条要求电动自行车必须在指定地点充电，但是老小区根本没有充电桩，"
            "建议先规定政府和物业配建充电设施的义务。",
        ),
        ("p", "第二，第十四条第二款禁止在楼道停放充电，这个我们赞成，但是要给一个过渡期。"),
        ("p", "快递骑手小马：我们一天要跑两百多公里，一块电池不够用，建议第十六条允许合规的换电柜进小区。"),
        (
            "p",
            "电动自行车经营户丁某：第二十一条至第二十三条对销售改装车辆的处罚太重了，小商户承受不了，"
            "建议对初次违法、及时改正的不予处罚。",
        ),
        (
            "p",
            "物业管理人员吴某某：建议第十四条和第十六条增加物业服务人的劝阻和报告义务，"
            "明确物业发现楼道充电可以断电，但是要先告知。",
        ),
        ("p", "会议认为，大家提出的意见很有针对性，社区将认真整理后报送区人大常委会。"),
        ("p", "记录人：方某"),
    ),
    expected=(
        Expected("配建充电设施的义务", 14, "何某某"),
        Expected("给一个过渡期", 14, "何某某"),
        Expected("换电柜进小区", 16, "小马"),
        Expected("销售改装车辆的处罚太重", 21, "丁某"),
        Expected("劝阻和报告义务", 14, "吴某某"),
    ),
)

# Written after the reader, to check it on notes it was not tuned on: front matter laid out as a
# table, （一）关于第六条 headings, a speaker named by role only, a table under a merged title row with
# 提出人（单位）, a closing 下一步工作.  Its first run gave two procedural paragraphs as opinions and
# 「代表」 for 业主代表; the fixes were general (修订 as a noun, 征集/征询, a role after a role).
GARBAGE = NotesSample(
    name="西湖街道·生活垃圾分类管理条例",
    draft_title="滨江市生活垃圾分类管理条例（修订草案）",
    blocks=(
        ("h", "西湖街道基层立法联系点《滨江市生活垃圾分类管理条例（修订草案）》立法意见征询会会议纪要"),
        (
            "table",
            [
                ["时间", "2026年9月5日下午"],
                ["地点", "西湖街道综合文化站"],
                ["主持人", "街道人大工委副主任许某"],
                ["参会人员", "社区干部、居民、保洁员、餐饮商户代表等20人"],
            ],
        ),
        ("p", "一、基本情况"),
        (
            "p",
            "9月5日，西湖街道基层立法联系点组织召开立法意见征询会。会上，市人大城建环资委的同志介绍了条例修订的背景"
            "和主要内容，参会人员逐条进行了讨论。",
        ),
        ("p", "二、主要意见和建议"),
        ("p", "（一）关于第六条（分类标准）"),
        (
            "p",
            "社区网格员黄某反映，现行四分类标准居民基本熟悉，第六条新增的“大件垃圾”“装修垃圾”类别界定不清，"
            "建议在条例中列举说明。",
        ),
        ("p", "业主代表：希望分类标准与上海、杭州等城市保持一致，方便外来人口适应。"),
        ("p", "（二）关于第十九条（定时定点投放）"),
        ("p", "保洁员李某某：定时定点投放的时间太短，上班族赶不上，建议早晚各延长一小时。"),
        ("p", "居民朱某：第十九条第三款规定投放点由物业确定，但老旧小区没有物业，应当明确由社区居委会确定。"),
        ("p", "（三）其他意见"),
        (
            "table",
            [
                ["餐饮垃圾处理意见汇总表"],
                ["序号", "条款", "意见", "提出人（单位）"],
                [
                    "1",
                    "第三十一条",
                    "餐饮单位产生的厨余垃圾收运费用标准过高，小微餐饮负担重，建议实行差别化收费。",
                    "沈某（餐饮商户）",
                ],
                ["2", "第四十五条", "对个人未分类投放的罚款，建议首次违法给予警告，不予罚款。", "韩某某"],
                ["3", "", "建议加大宣传力度，组织志愿者入户指导。", "社区居委会"],
            ],
        ),
        ("p", "三、下一步工作"),
        ("p", "街道将持续做好立法意见征集工作，及时将本次收集的意见反馈至市人大常委会法工委。"),
    ),
    expected=(
        Expected("“装修垃圾”类别界定不清", 6, "黄某"),
        Expected("与上海、杭州等城市保持一致", 6, "业主代表"),
        Expected("早晚各延长一小时", 19, "李某某"),
        Expected("应当明确由社区居委会确定", 19, "朱某"),
        # The proposer column is taken as written, its note included.
        Expected("差别化收费", 31, "沈某（餐饮商户）"),
        Expected("首次违法给予警告", 45, "韩某某"),
        Expected("入户指导", None, "社区居委会"),
    ),
)

SAMPLES = (PROPERTY, VILLAGE, UNIVERSITY, LAW_FIRM, BUSINESS, NEIGHBOURHOOD, GARBAGE)
