"""What the public API shows: the fields the public pages show, nothing more (no personal data)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class DraftSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("草案编号 · draft id"))
    title = serializers.CharField(help_text=_("标题 · title"))
    url = serializers.CharField(help_text=_("草案页面地址 · page URL"))
    stage = serializers.CharField(help_text=_("审议阶段 · stage"))
    stage_display = serializers.CharField(help_text=_("审议阶段名称 · stage label"))
    status = serializers.CharField(help_text=_("征求意见状态：drafting / open / closed · comment period status"))
    drafting_body = serializers.CharField(help_text=_("起草单位 · drafting body"))
    summary = serializers.CharField(help_text=_("内容摘要 · summary"))
    opens_at = serializers.DateTimeField(allow_null=True, help_text=_("征求意见开始时间 · opens at"))
    closes_at = serializers.DateTimeField(allow_null=True, help_text=_("征求意见截止时间 · closes at"))
    current_version = serializers.IntegerField(allow_null=True, help_text=_("当前版本序号 · current version number"))


class VersionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField(help_text=_("版本序号 · version number"))
    stage = serializers.CharField(help_text=_("审议阶段 · stage"))
    title = serializers.CharField(help_text=_("标题 · title"))
    created_at = serializers.DateTimeField(help_text=_("创建时间 · created at"))
    opinion_count = serializers.IntegerField(help_text=_("已发布意见数 · published opinions"))


class DraftDetailSerializer(DraftSerializer):
    versions = VersionSerializer(many=True, help_text=_("各版本 · the versions"))


class ProvisionSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("条文编号（用于查询意见）· provision id"))
    kind = serializers.CharField(help_text=_("类型：编、章、节、条、款等 · kind (part, chapter, section, article …)"))
    number = serializers.IntegerField(allow_null=True, help_text=_("序号 · number"))
    label = serializers.CharField(help_text=_("编号，如“第三条” · label"))
    title = serializers.CharField(help_text=_("标题 · title"))
    text = serializers.CharField(help_text=_("正文 · text"))
    note = serializers.CharField(help_text=_("释义 · plain-language note"))
    opinion_count = serializers.IntegerField(help_text=_("已发布意见数 · published opinions"))


class ProvisionNodeSerializer(ProvisionSerializer):
    children = serializers.ListField(
        child=serializers.DictField(), help_text=_("下级条文（同样的结构）· children, same shape")
    )


class VersionDetailSerializer(VersionSerializer):
    draft = serializers.IntegerField(help_text=_("草案编号 · draft id"))
    preamble = serializers.CharField(help_text=_("题注 · preamble"))
    provisions = ProvisionNodeSerializer(many=True, help_text=_("条文树 · the provision tree"))


class ArticleSerializer(ProvisionSerializer):
    draft = serializers.IntegerField(help_text=_("草案编号 · draft id"))
    version = serializers.IntegerField(help_text=_("版本序号 · version number"))
    parent = serializers.IntegerField(allow_null=True, help_text=_("上级条文编号 · parent provision id"))


class ProposalSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text=_("修改建议类型：modify / insert / delete · proposal kind"))
    base_text = serializers.CharField(help_text=_("原条文 · the text it was made on"))
    text = serializers.CharField(help_text=_("建议修改为 · proposed wording"))


class ReplySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    author = serializers.CharField(help_text=_("显示名称或“匿名” · public display name or 匿名"))
    is_official = serializers.BooleanField(help_text=_("官方答复 · official reply"))
    body = serializers.CharField(help_text=_("意见内容 · text"))
    created_at = serializers.DateTimeField()
    support_count = serializers.IntegerField(help_text=_("附议数 · supports"))


class OpinionSerializer(ReplySerializer):
    article = serializers.IntegerField(allow_null=True, help_text=_("条文编号，空为对草案整体 · article id or null"))
    reply_count = serializers.IntegerField(help_text=_("回复数 · replies"))
    proposal = ProposalSerializer(allow_null=True, help_text=_("修改建议 · proposed wording"))
    replies = ReplySerializer(many=True, help_text=_("最早的几条回复 · the first replies"))


class OpinionPageSerializer(serializers.Serializer):
    sort = serializers.CharField(help_text=_("排序：new 最新 / top 附议最多 · order"))
    next_cursor = serializers.CharField(help_text=_("下一页的 cursor，空表示没有了 · cursor of the next page"))
    results = OpinionSerializer(many=True)


class FeedbackArticleSerializer(serializers.Serializer):
    article = serializers.IntegerField(allow_null=True, help_text=_("条文编号，空为对草案整体 · article id or null"))
    label = serializers.CharField(help_text=_("条文编号文字 · article label"))
    counts = serializers.DictField(child=serializers.IntegerField(), help_text=_("按处理结果计数 · counts"))
    total = serializers.IntegerField()


class FeedbackSerializer(serializers.Serializer):
    draft = serializers.IntegerField()
    total = serializers.IntegerField(help_text=_("收到的意见总数（各渠道）· opinions received, all channels"))
    totals = serializers.DictField(child=serializers.IntegerField(), help_text=_("按处理结果计数 · by disposition"))
    articles = FeedbackArticleSerializer(many=True)


class FeedbackOpinionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    channel = serializers.CharField(help_text=_("来源渠道 · channel"))
    source = serializers.CharField(help_text=_("来源（如联系点名称）· source, e.g. contact point"))
    author = serializers.CharField(help_text=_("显示名称或“匿名” · public display name"))
    body = serializers.CharField()
    disposition = serializers.CharField(help_text=_("处理结果 · disposition"))
    disposition_display = serializers.CharField()
    reason = serializers.CharField(help_text=_("公开的理由说明，未公开时为空 · public reason or empty"))


class FeedbackOpinionPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    results = FeedbackOpinionSerializer(many=True)


class StatisticsSerializer(serializers.Serializer):
    draft = serializers.IntegerField()
    computed_at = serializers.DateTimeField(help_text=_("统计时间 · computed at"))
    data = serializers.DictField(help_text=_("统计页显示的全部数字 · the figures the statistics page shows"))


class StaffOpinionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    draft = serializers.IntegerField()
    version = serializers.IntegerField()
    article = serializers.IntegerField(allow_null=True)
    parent = serializers.IntegerField(allow_null=True)
    channel = serializers.CharField(help_text=_("来源渠道 · channel"))
    moderation_state = serializers.CharField(help_text=_("审核状态 · moderation state"))
    author = serializers.CharField(help_text=_("显示名称或“匿名” · public display name"))
    body = serializers.CharField()
    created_at = serializers.DateTimeField()
    disposition = serializers.CharField(help_text=_("处理结果 · disposition"))
    disposition_reason = serializers.CharField(help_text=_("理由说明 · reason"))
    reason_public = serializers.BooleanField(help_text=_("理由是否公开 · whether the reason is public"))
    disposed_at = serializers.DateTimeField(allow_null=True)
    merged_into = serializers.IntegerField(allow_null=True)
    resulting_article = serializers.IntegerField(allow_null=True)


class StaffOpinionPageSerializer(serializers.Serializer):
    next_after = serializers.IntegerField(allow_null=True, help_text=_("下一页的 after 参数 · next page's after"))
    results = StaffOpinionSerializer(many=True)


class BatchItemSerializer(serializers.Serializer):
    article = serializers.CharField(
        allow_null=True, required=False, help_text=_("条号，如 12 或“第十二条”；对草案整体留空 · article number")
    )
    body = serializers.CharField(help_text=_("意见内容，不超过 5000 字 · text"))
    proposer = serializers.CharField(required=False, help_text=_("提出人 · proposer"))
    proposer_category = serializers.CharField(required=False, help_text=_("提出人类别，与表格模板相同 · category"))
    proposal = serializers.CharField(
        required=False,
        help_text=_("建议修改为：本条修改后的完整条文，或“删除本条”，与表格模板相同 · proposed wording"),
    )


class BatchRequestSerializer(serializers.Serializer):
    draft = serializers.IntegerField(help_text=_("草案编号 · draft id"))
    items = BatchItemSerializer(many=True)


class BatchResultSerializer(serializers.Serializer):
    batch = serializers.IntegerField(help_text=_("意见汇总编号 · batch id"))
    draft = serializers.IntegerField()
    created = serializers.IntegerField(help_text=_("新建的意见数 · opinions created"))
    late = serializers.BooleanField(help_text=_("是否逾期报送 · submitted after the deadline"))
    submitted_at = serializers.DateTimeField(allow_null=True)


class ReferralSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("转办编号 · referral id"))
    draft = serializers.IntegerField()
    draft_title = serializers.CharField()
    state = serializers.CharField(help_text=_("状态：sent / acknowledged / replied / closed · state"))
    instructions = serializers.CharField(help_text=_("交办要求 · instructions"))
    deadline = serializers.DateTimeField(help_text=_("办理期限 · deadline"))
    overdue = serializers.BooleanField(help_text=_("是否逾期 · overdue"))
    created_at = serializers.DateTimeField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    replied_at = serializers.DateTimeField(allow_null=True)
    reply = serializers.CharField()
    revision = serializers.IntegerField(help_text=_("版本号，答复时带上以防覆盖 · revision, sent back with a reply"))


class ReferralOpinionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    article = serializers.CharField(help_text=_("条文 · article"))
    channel = serializers.CharField()
    body = serializers.CharField(help_text=_("意见内容（联系方式已隐去）· text, contact details blanked"))
    created_at = serializers.DateTimeField()


class ReferralDetailSerializer(ReferralSerializer):
    opinions = ReferralOpinionSerializer(many=True)


class AttachmentSerializer(serializers.Serializer):
    name = serializers.CharField(help_text=_("文件名 · file name"))
    content_base64 = serializers.CharField(help_text=_("文件内容，Base64 编码 · content, base64"))


class ReplyRequestSerializer(serializers.Serializer):
    text = serializers.CharField(help_text=_("答复内容 · reply"))
    revision = serializers.IntegerField(required=False, help_text=_("读取时的 revision · revision read"))
    attachments = AttachmentSerializer(many=True, required=False)
