"""Data access: one repository per entity."""
