"""Where a POST comes from: the guest web server takes forms only from its own pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request

from queueapp.config import Config


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


def same_origin(request: Request, config: Config) -> bool:
    """A POST must come from one of this server's own pages: its Origin (or, when a
    browser sends none, its Referer) is this server, as the guest reached it or as
    ``[web] public_url`` names it. A form on another site is refused."""
    if request.headers.get("sec-fetch-site", "") == "cross-site":
        return False
    origin = request.headers.get("origin", "")
    if not origin or origin == "null":
        origin = _origin(request.headers.get("referer", ""))
    allowed = {f"{request.url.scheme}://{request.headers.get('host', '')}".lower()}
    if config.guests.public_url:
        allowed.add(_origin(config.guests.public_url))
    return origin.lower() in allowed
