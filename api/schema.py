"""drf-spectacular hooks: the schema documents this API only (not Wagtail's own admin API)."""


def only_this_api(endpoints, **kwargs):
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]
