"""Response schemas shared by several routers (never ORM rows)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

__all__ = ["UserOut", "media_response"]


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    display_name: str
    role: str
    is_active: bool
    created_at: datetime


def media_response(description: str, *media_types: str, binary: bool = False) -> dict[int | str, Any]:
    """``responses=`` documenting a 200 that is not JSON (CSV, HTML, audio ...)."""
    schema = {"type": "string", "format": "binary"} if binary else {"type": "string"}
    return {200: {"description": description, "content": {m: {"schema": schema} for m in media_types}}}
