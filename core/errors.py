"""The one error type that domain code raises when a rule refuses an action."""

from __future__ import annotations


class DomainError(Exception):
    """A business rule said no.

    `code` is stable and machine-readable (clients and tests branch on it); `message` is
    already translated for the person who asked. `status` is the HTTP status the API
    answers with; `fields` names the inputs at fault, as `{field: [messages]}`.
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        status: int = 400,
        fields: dict[str, list[str]] | None = None,
        retry_after: int | None = None,
        extra: dict | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = str(message)
        self.status = status
        self.fields = fields or {}
        self.retry_after = retry_after
        self.extra = extra or {}  # more machine-readable context, e.g. alternatives to offer

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"
