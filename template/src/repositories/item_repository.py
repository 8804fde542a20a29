"""Queries on items."""

import uuid
from collections.abc import Sequence

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from src.core.exceptions import ConflictError
from src.models.item import Item


def _owned_by(owner_id: uuid.UUID | None) -> ColumnElement[bool]:
    return Item.owner_id.is_(None) if owner_id is None else Item.owner_id == owner_id


class ItemRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, item_id: uuid.UUID) -> Item | None:
        return await self.session.get(Item, item_id)

    async def list(
        self,
        owner_id: uuid.UUID | None,
        *,
        everyone: bool,
        query: str | None,
        offset: int,
        limit: int,
    ) -> tuple[Sequence[Item], int]:
        """A page of items, newest first, and how many match in all."""
        conditions: list[ColumnElement[bool]] = []
        if not everyone:
            conditions.append(_owned_by(owner_id))
        if query:
            conditions.append(func.lower(Item.name).contains(query.lower(), autoescape=True))
        total = await self.session.scalar(select(func.count()).select_from(Item).where(*conditions))
        page = await self.session.scalars(
            select(Item)
            .where(*conditions)
            .order_by(Item.created_at.desc(), Item.id.desc())
            .offset(offset)
            .limit(limit)
        )
        return page.all(), total or 0

    async def name_taken(
        self, owner_id: uuid.UUID | None, name: str, exclude: uuid.UUID | None = None
    ) -> bool:
        statement = select(Item.id).where(_owned_by(owner_id), Item.name == name)
        if exclude is not None:
            statement = statement.where(Item.id != exclude)
        return await self.session.scalar(statement.limit(1)) is not None

    async def save(self, item: Item) -> Item:
        """Insert or update; a uniqueness violation becomes a 409."""
        self.session.add(item)
        try:
            await self.session.flush()
        except IntegrityError as error:
            await self.session.rollback()
            raise ConflictError("An item with this name already exists") from error
        await self.session.refresh(item)
        return item

    async def delete(self, item: Item) -> None:
        await self.session.delete(item)
        await self.session.flush()
