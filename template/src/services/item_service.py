"""Item rules: who sees which items, and names unique per owner."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from src.core.exceptions import ConflictError, NotFoundError
from src.models.item import Item
from src.repositories.item_repository import ItemRepository
from src.schemas.common import Page
from src.schemas.item import ItemCreate, ItemUpdate


@dataclass(frozen=True)
class OwnerScope:
    """Whose items a caller works with: its own, or (admins) everyone's."""

    owner_id: uuid.UUID | None
    sees_all: bool = False


class ItemService:
    """Items belong to the caller who made them.

    Another owner's item answers exactly like a missing one (404), so ids of
    other people's items cannot be probed. The service commits, so a request
    is one transaction.
    """

    def __init__(self, session: AsyncSession, scope: OwnerScope) -> None:
        self.session = session
        self.scope = scope
        self.items = ItemRepository(session)

    async def list(self, page: Page, query: str | None) -> tuple[Sequence[Item], int]:
        return await self.items.list(
            self.scope.owner_id,
            everyone=self.scope.sees_all,
            query=query,
            offset=page.offset,
            limit=page.page_size,
        )

    async def get(self, item_id: str) -> Item:
        """The item, if it exists and the caller may see it; a malformed id is a 404 too."""
        try:
            key = uuid.UUID(item_id)
        except ValueError as error:
            raise NotFoundError("Item not found") from error
        item = await self.items.get(key)
        if item is None or not (self.scope.sees_all or item.owner_id == self.scope.owner_id):
            raise NotFoundError("Item not found")
        return item

    async def create(self, data: ItemCreate) -> Item:
        await self._ensure_name_free(self.scope.owner_id, data.name)
        item = Item(name=data.name, description=data.description, owner_id=self.scope.owner_id)
        item = await self.items.save(item)
        await self.session.commit()
        return item

    async def update(self, item_id: str, data: ItemUpdate) -> Item:
        item = await self.get(item_id)
        changes = data.model_dump(exclude_unset=True)
        if changes.get("name") is not None and changes["name"] != item.name:
            await self._ensure_name_free(item.owner_id, changes["name"], exclude=item.id)
        for field, value in changes.items():
            setattr(item, field, value)
        item = await self.items.save(item)
        await self.session.commit()
        return item

    async def delete(self, item_id: str) -> None:
        item = await self.get(item_id)
        await self.items.delete(item)
        await self.session.commit()

    async def _ensure_name_free(
        self, owner_id: uuid.UUID | None, name: str, exclude: uuid.UUID | None = None
    ) -> None:
        if await self.items.name_taken(owner_id, name, exclude):
            raise ConflictError("An item with this name already exists")
