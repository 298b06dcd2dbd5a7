"""drf-spectacular hooks: the schema documents this API only (not Wagtail's own admin API)."""


def only_this_api(endpoints, **kwargs):
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


#: The errors every operation may answer, as api.errors writes them: JSON with a code and a Chinese message.
ERROR_SCHEMA = {
    "type": "object",
    "description": "错误：代码与中文说明 · An error: a code and a message in Chinese.",
    "properties": {
        "code": {"type": "string", "description": "机器可读的错误代码 · machine-readable code"},
        "message": {"type": "string", "description": "中文说明 · the message, in Chinese"},
        "detail": {"description": "逐项说明（如批量报送中每条有误的意见）· details, e.g. each faulty item"},
        "retry_after": {"type": "integer", "description": "限流时，多少秒后可重试 · seconds to wait when throttled"},
    },
    "required": ["code", "message"],
}
ERRORS = {
    "400": "请求参数或内容有误 · Bad parameters or body",
    "401": "缺少或无效的接口令牌 · Missing, invalid, expired or revoked token",
    "403": "令牌无权进行此操作 · The token may not do this",
    "404": "没有找到 · Not found",
    "405": "不支持这种请求方法 · Method not allowed",
    "406": "无法提供请求的格式 · Not acceptable",
    "413": "请求内容超过上限 · Body over the limit",
    "409": "与现状冲突（如转办已答复）· Conflicts with the current state (e.g. a referral already answered)",
    "415": "请以 application/json 提交 · Unsupported media type",
    "422": "内容无误但不能受理（如征求意见已结束）· Well-formed but refused (e.g. the consultation has closed)",
    "429": "请求过于频繁，见 Retry-After · Throttled, see Retry-After",
}


def document_errors(result, generator, request, public, **kwargs):
    """Every operation documents the error answers it can give (api.errors), so that a client, and a fuzzer
    checking each answer against the schema, knows them: 400/404/405/406/429 everywhere, 401/403 where a token
    is needed, 413/415 where there is a body."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            statuses = ["400", "404", "405", "406", "429"]
            if operation.get("security") and {} not in operation["security"]:
                statuses += ["401", "403"]
            if "requestBody" in operation:
                statuses += ["409", "413", "415", "422"]
                _closed(operation["requestBody"], result["components"]["schemas"])
            for code in statuses:
                operation["responses"].setdefault(code, {"description": ERRORS[code], "content": reference})
    return result


def _closed(node, schemas, seen=None) -> None:
    """Request bodies refuse fields they do not know (api.parsers): say so in their schemas
    (additionalProperties: false), down through the components they refer to."""
    seen = set() if seen is None else seen
    if isinstance(node, list):
        for item in node:
            _closed(item, schemas, seen)
        return
    if not isinstance(node, dict):
        return
    reference = node.get("$ref", "")
    if reference.startswith("#/components/schemas/"):
        name = reference.rsplit("/", 1)[1]
        if name not in seen and name in schemas:
            seen.add(name)
            _closed(schemas[name], schemas, seen)
        return
    if node.get("type") == "object" and "properties" in node:
        node.setdefault("additionalProperties", False)
    for value in node.values():
        _closed(value, schemas, seen)
