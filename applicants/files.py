from django.http import FileResponse

from applicants.models import Document

# Photos are shown in <img> tags, where the response's own policy does not apply; opened on
# their own they may show nothing but themselves. PDFs are never rendered in our origin: they
# are downloaded, and a viewer that opens them anyway gets a sandbox with no scripts, forms,
# plugins or same-origin access.
IMAGE_POLICY = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
DOWNLOAD_POLICY = "sandbox; default-src 'none'"


def private_file_response(document: Document) -> FileResponse:
    """Serve a stored document to someone already authorised; never cached, never sniffed."""
    response = FileResponse(document.file.open("rb"), content_type=document.content_type)
    disposition = "inline" if document.is_image else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{document.kind}{document.extension}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = IMAGE_POLICY if document.is_image else DOWNLOAD_POLICY
    return response
