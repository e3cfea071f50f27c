from django.http import FileResponse

from applicants.models import Document


def private_file_response(document: Document) -> FileResponse:
    """Serve a stored document to someone already authorised; never cached, never sniffed."""
    response = FileResponse(document.file.open("rb"), content_type=document.content_type)
    response["Content-Disposition"] = f'inline; filename="{document.kind}{document.extension}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    return response
