"""Item request and response bodies."""

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.json_schema import SkipJsonSchema

from src.models.item import DESCRIPTION_MAX_LENGTH, NAME_MAX_LENGTH
from src.schemas.common import NO_NUL

# Taken as sent: the documented 1 to 200 characters are exactly what is accepted.
ItemName = Annotated[str, Field(min_length=1, max_length=NAME_MAX_LENGTH, pattern=NO_NUL)]
ItemDescription = Annotated[str, Field(max_length=DESCRIPTION_MAX_LENGTH, pattern=NO_NUL)]


class ItemCreate(BaseModel):
    name: ItemName
    description: ItemDescription | None = None


class ItemUpdate(BaseModel):
    """A partial update: only the fields sent are changed."""

    # Documented as a string that may be left out; an explicit null is refused.
    name: ItemName | SkipJsonSchema[None] = None
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
