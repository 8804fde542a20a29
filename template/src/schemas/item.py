"""Item request and response bodies."""

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from src.models.item import DESCRIPTION_MAX_LENGTH, NAME_MAX_LENGTH

ItemName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=NAME_MAX_LENGTH)
]
ItemDescription = Annotated[str, Field(max_length=DESCRIPTION_MAX_LENGTH)]


class ItemCreate(BaseModel):
    name: ItemName
    description: ItemDescription | None = None


class ItemUpdate(BaseModel):
    """A partial update: only the fields sent are changed."""

    name: ItemName | None = None
    description: ItemDescription | None = None

    @field_validator("name")
    @classmethod
    def name_is_not_null(cls, name: str | None) -> str:
        if name is None:
            raise ValueError("name cannot be null; leave it out to keep it")
        return name


class ItemRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    description: str | None
    owner_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime
