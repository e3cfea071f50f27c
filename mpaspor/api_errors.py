def error_body(code: str, detail: str, fields: dict | None = None) -> dict:
    """The one error shape of the API (API.md): code, human detail, per-field messages."""
    return {"code": code, "detail": str(detail), "fields": fields or {}}
