"""ETag / Last-Modified on every public read, answering 304 when the client's copy is current.

The ETag is a hash of the JSON body, so it changes exactly when what the client would receive changes;
views that know when their data last changed also set Last-Modified (``self.last_modified``).
"""

import hashlib

from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from rest_framework.response import Response


class ConditionalMixin:
    last_modified = None  # a datetime, set by the view while it builds its response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or not isinstance(response, Response) or response.status_code != 200:
            return response
        response.render()
        etag = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
        last_modified = self.last_modified.timestamp() if self.last_modified else None
        response["ETag"] = etag
        if last_modified:
            response["Last-Modified"] = http_date(last_modified)
        response["Cache-Control"] = "public, max-age=0, must-revalidate"
        conditional = get_conditional_response(
            request._request if hasattr(request, "_request") else request,
            etag=etag,
            last_modified=int(last_modified) if last_modified else None,
            response=response,
        )
        return conditional
