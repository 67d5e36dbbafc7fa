"""One pagination shape for every list endpoint: ``?limit=&offset=`` → ``Page[T]``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel

from datamill.api.params import MAX_ID
from datamill.core.storable import MAX_PAGE_ROWS

__all__ = ["Page", "PageDep", "PageParams"]

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """A slice of a list: ``items`` plus the ``total`` the slice was taken from."""

    items: list[T]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True)
class PageParams:
    limit: int
    offset: int

    def slice(self, rows: Sequence[T]) -> Page[T]:
        """Paginate a list a service returned whole (small lists: packages, batches ...)."""
        return Page[T](
            items=list(rows[self.offset : self.offset + self.limit]),
            total=len(rows),
            limit=self.limit,
            offset=self.offset,
        )


def _page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_ROWS, description="Page size")] = 100,
    # bounded like an id: a database's OFFSET is a 64-bit integer (beyond it: 422, not a 500)
    offset: Annotated[int, Query(ge=0, le=MAX_ID, description="Rows to skip")] = 0,
) -> PageParams:
    return PageParams(limit=limit, offset=offset)


PageDep = Annotated[PageParams, Depends(_page_params)]
