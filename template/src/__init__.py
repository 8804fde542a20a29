"""The service's application package."""
