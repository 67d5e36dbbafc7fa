"""What makes an answer an RFC 9457 problem, for every writer of one: the API's handlers
(:mod:`datamill.api.problem`) and the HTTP protocol's answers to requests no app saw
(:mod:`datamill.http_protocol`), which must not import FastAPI to write them."""

from __future__ import annotations

__all__ = ["PROBLEM_BASE", "PROBLEM_MEDIA_TYPE"]

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_BASE = "https://datamill.dev/problems/"
