"""Cross-cutting core: configuration, security, errors, logging, database."""
