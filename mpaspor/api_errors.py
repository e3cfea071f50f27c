def error_body(code: str, detail: str, fields: dict | None = None) -> dict:
    """The one error shape of the API (API.md): code, human detail, per-field messages."""
    return {"code": code, "detail": str(detail), "fields": fields or {}}


# Every operation may answer these, always in the shape above: a malformed or invalid body
# (400), no or a bad token (401), a refused role (403), another person's or an unknown object
# (404), a method the path lacks (405), a refused state move (409), a body too large (413),
# not JSON (415), a partner's inconsistent notice (422), a rate limit (429), a busy database
# (503, with Retry-After).
ERROR_STATUSES = {
    "400": "Invalid input",
    "401": "Not signed in, or the token is not valid",
    "403": "Not allowed",
    "404": "Not found (or not yours)",
    "405": "Method not allowed",
    "409": "Refused in the current state",
    "413": "Request too large",
    "415": "Unsupported media type",
    "422": "Inconsistent with the record",
    "429": "Too many requests; see Retry-After",
    "503": "Busy; try again after Retry-After",
}
ERROR_SCHEMA = {
    "type": "object",
    "required": ["code", "detail", "fields"],
    "properties": {
        "code": {"type": "string", "description": "Stable, machine-readable reason"},
        "detail": {"type": "string", "description": "For people, in the language of Accept-Language"},
        "fields": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
    "additionalProperties": True,
}


def document_errors(result, generator, request, public):
    """drf-spectacular postprocessing hook: the error answers of every operation, in the schema."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_STATUSES.items():
                responses.setdefault(status, {**error, "description": description})
    return result
