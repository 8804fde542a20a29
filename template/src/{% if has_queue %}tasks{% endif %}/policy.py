"""How a job is retried, and what the runner learns when it claims one; the same for every queue."""

import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    """How often a failing job is tried, and how long to wait between tries."""

    max_attempts: int
    first_delay_s: float

    def delay_after(self, attempt: int) -> float:
        """Exponential backoff: the first delay, then twice as long after each attempt."""
        return self.first_delay_s * 2.0 ** (attempt - 1)


@dataclass(frozen=True)
class Claim:
    kind: str
    owner_id: uuid.UUID | None
    attempt: int
