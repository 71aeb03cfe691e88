"""Paged lists in the cloud's ``{"meta": {...}, "objects": [...]}`` shape (sharing, messages).

``meta`` holds ``total``, ``limit``, ``skip`` and the ``previous`` / ``next`` page as a
path with its query (``/app/messages?skip=20&type=1&limit=20``), or null at either end,
as in the docs' examples.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from .http import Call

DEFAULT_LIMIT = 20


def page_window(call: Call) -> tuple[int, int]:
    """``limit`` (default 20, at least 1) and ``skip`` (default 0) from the query; 9015 if bad."""
    limit = call.query_int("limit", DEFAULT_LIMIT, minimum=1)
    skip = call.query_int("skip", 0)
    assert limit is not None and skip is not None
    return limit, skip


def paged(objects: Sequence[Any], *, path: str, limit: int, skip: int, query: dict[str, Any]) -> dict[str, Any]:
    total = len(objects)

    def link(to: int) -> str:
        return f"{path}?{urlencode({'skip': to, **query, 'limit': limit})}"

    return {
        "meta": {
            "total": total,
            "limit": limit,
            "skip": skip,
            "previous": link(max(skip - limit, 0)) if skip > 0 else None,
            "next": link(skip + limit) if skip + limit < total else None,
        },
        "objects": list(objects[skip:skip + limit]),
    }
