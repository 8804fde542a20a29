"""The envelopes of the API contract: `{"data": ...}`, list `meta`, and errors."""

from typing import Generic, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# Keeps page * page_size far inside every database's integer range.
MAX_PAGE = 1_000_000
# Text that is stored or searched: PostgreSQL refuses NUL characters, so every database does.
NO_NUL = r"^[^\x00]*$"


class DataResponse(BaseModel, Generic[T]):
    data: T


class PageMeta(BaseModel):
    page: int = Field(ge=1)
    page_size: int = Field(ge=1, le=MAX_PAGE_SIZE)
    total: int = Field(ge=0)


class ListResponse(BaseModel, Generic[T]):
    data: list[T]
    meta: PageMeta


class ErrorDetail(BaseModel):
    field: str
    message: str


class ErrorInfo(BaseModel):
    code: str
    message: str
    details: list[ErrorDetail]


class ErrorResponse(BaseModel):
    error: ErrorInfo


class Page(BaseModel):
    """Which page of a list the client asked for."""

    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size
