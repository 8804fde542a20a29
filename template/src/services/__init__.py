"""Business logic: one service per entity."""
