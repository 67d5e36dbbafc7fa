"""Refuse request bodies above ``Settings.max_request_bytes`` with a 413 problem.

A declared ``Content-Length`` above the limit is refused before anything is read; a chunked body
(or one longer than it declared) is passed on to the app as it arrives, never held here, and cut
off at the limit: the app's read then sees the client gone, and the 413 is sent in place of
whatever the app answers to that. So an upload costs the server no more memory than the app's
reading of it (a form's file spools to a temporary file on disk past 1 MiB): the limit used to
buffer the whole body before passing it on, some 1.1 times an upload's size per request. A few
routes take larger bodies by design (a subject's recording upload, the web's data import):
``larger`` names them, each a path pattern (matched whole) with its own limit, a number of bytes
or the name of the setting that holds it (``"max_upload_bytes"``), and who may send one: an
``admit(request) -> bool`` (run in a worker thread: it may ask the database) that says whether
the request carries a live credential for the route (a signed-in session of someone who may
import, a subject's unrevoked invitation). A request it does not admit is held to the server's
own limit *before* anything beyond it is read: the route learns who is asking only after its
body is read (a form, a file), so without the check anyone could make the server take in
hundreds of megabytes per connection (six unsigned 190 MB posts to the
import form took a server from 190 MB to 1.5 GB).

A body must also come at a pace (``Settings.request_read_timeout_s``,
``min_body_bytes_per_s``): each piece within the timeout of the last, and, once that grace has
passed, at the least average rate; else the request is answered 408 and its connection closed.
uvicorn has no body read timeout of its own, so a client that declared a large body and sent a
byte now and then held its connection and the request's handler for as long as it liked (a
slowloris). The headers' timeout is the server's protocol's (:mod:`datamill.http_protocol`).

The refusal is problem+json, unless the app keeps a page for it: a face that answers its own
errors with pages (the web's sign-in form, the corpus upload) sets
``app.state.body_limit_page`` to ``page(request, limit) -> Response | None``, and its answer
(None: not one of its requests) is sent instead.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Sequence
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from datamill.api.problem import localized_problem

__all__ = ["Admit", "BodySizeLimitMiddleware", "LargerBody", "replaying"]

_NO_BODY = frozenset({"GET", "HEAD", "OPTIONS", "DELETE"})
#: whether a request (its headers: the body is not read yet) may send a large body
Admit = Callable[[Request], bool]
#: a route that takes a larger body: its whole path pattern, its limit (bytes or a setting's
#: name) and who may send one
LargerBody = tuple[str, int | str, Admit]


def replaying(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives ``body`` (already read from ``receive``) as one message, then
    passes on to ``receive`` (which then waits for the client to go away)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _settings(scope: Scope) -> Any:
    runtime: Any = getattr(scope["app"].state, "runtime", None)
    if runtime is None:
        from datamill.config import get_settings

        return get_settings()
    return runtime.settings


def _limit(scope: Scope, setting: str = "max_request_bytes") -> int:
    """The byte limit the app's settings hold under ``setting``."""
    return int(getattr(_settings(scope), setting))


def _pace(scope: Scope) -> tuple[float, int]:
    """How slowly a body may come: the longest wait for its next piece (also the grace before
    the rate applies) and the least average rate in bytes a second after it (0: none)."""
    settings = _settings(scope)
    return float(settings.request_read_timeout_s), int(settings.min_body_bytes_per_s)


class BodySizeLimitMiddleware:
    def __init__(self, app: ASGIApp, larger: Sequence[LargerBody] = (),
                 codes: Sequence[tuple[str, str]] = ()) -> None:
        self.app = app
        self.larger = [(re.compile(pattern), limit, admit) for pattern, limit, admit in larger]
        #: (path pattern, reason code) the 413 of a route carries, for a page to word it (a
        #: subject's recording: ``recording_too_long``)
        self.codes = [(re.compile(pattern), code) for pattern, code in codes]

    async def limit_for(self, scope: Scope) -> int:
        """The body limit of the request's route: its own where ``larger`` names it and the
        route's ``admit`` lets the request send that much; else the server's."""
        path = scope["path"]
        normal = _limit(scope)
        for pattern, limit, admit in self.larger:
            if not pattern.fullmatch(path):
                continue
            own = limit if isinstance(limit, int) else _limit(scope, limit)
            declared = dict(scope["headers"]).get(b"content-length")
            if own <= normal or (declared is not None and declared.isdigit()
                                 and int(declared) <= normal):
                return own  # nothing beyond the server's limit to admit
            return own if await run_in_threadpool(admit, Request(scope)) else normal
        return normal

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in _NO_BODY:
            await self.app(scope, receive, send)
            return
        limit = await self.limit_for(scope)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, receive, send, limit, self._code(scope))
            return
        # the body streams through as it arrives (a form's file spools to disk as the app
        # reads it); counted, and cut off at the limit: the app then sees the client gone, and
        # whatever it answers to that is replaced by the 413 (module docstring)
        size = 0
        over = False  # past the limit
        stalled = False  # the body came too slowly (see _pace)
        done = False  # the body's last piece came
        started = False
        idle_s, min_rate = _pace(scope)
        loop = asyncio.get_running_loop()
        began = loop.time()

        async def counted() -> Message:
            nonlocal size, over, stalled, done
            if over or stalled:
                return {"type": "http.disconnect"}
            if done:  # only the client's going away is left to wait for: no deadline
                return await receive()
            deadline = loop.time() + idle_s
            if min_rate:
                deadline = min(deadline, began + idle_s + size / min_rate)
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                stalled = True
                return {"type": "http.disconnect"}
            if message["type"] == "http.request":
                size += len(message.get("body", b""))
                done = not message.get("more_body", False)
                if size > limit:
                    over = True
                    return {"type": "http.disconnect"}
            return message

        async def answer(message: Message) -> None:
            nonlocal started
            if (over or stalled) and not started:
                return  # the app's answer to a body cut short: the 413 / 408 goes instead
            started = True
            await send(message)

        try:
            await self.app(scope, counted, answer)
        except Exception:
            if not (over or stalled) or started:
                raise
        if started:
            return
        if over:
            await self._refuse(scope, receive, send, limit, self._code(scope))
        elif stalled:
            await self._too_slow(scope, receive, send, idle_s, min_rate)

    def _code(self, scope: Scope) -> str | None:
        return next((code for pattern, code in self.codes if pattern.fullmatch(scope["path"])),
                    None)

    @staticmethod
    async def _too_slow(scope: Scope, receive: Receive, send: Send, idle_s: float,
                        min_rate: int) -> None:
        """408 for a body that came too slowly; the connection is closed after it (the rest of
        the body is never read)."""
        response = localized_problem(
            Request(scope), status=408, code="request_timeout",
            detail=f"the request body came too slowly: each part must follow the last within "
                   f"{idle_s:g} seconds, and the whole average at least {min_rate:,} bytes a "
                   "second; send it again on a faster connection",
            headers={"Connection": "close"}, timeout_s=f"{idle_s:g}", min_rate=min_rate)
        await response(scope, receive, send)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, limit: int,
                      reason_code: str | None = None) -> None:
        request = Request(scope)
        page = getattr(scope["app"].state, "body_limit_page", None)
        response = page(request, limit) if page is not None else None
        if response is not None:
            await response(scope, receive, send)
            return
        response = localized_problem(
            request,
            status=413,
            code="payload_too_large",
            detail=f"the request body is larger than the {limit:,} bytes this server accepts",
            extra={"max_bytes": limit, **({"reason_code": reason_code} if reason_code else {})},
            max_bytes=limit,
        )
        await response(scope, receive, send)
