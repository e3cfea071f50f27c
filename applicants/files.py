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


# A document never changes (a replacement is a new document with a new id), so its preview may
# stay in the person's own browser for a week: the documents page then costs a few KB per visit
# on a slow network instead of the full photos. Never in a shared cache ("private").
THUMBNAIL_CACHE = "private, max-age=604800, immutable"


def thumbnail_response(document: Document) -> FileResponse:
    """The document's small preview, made now if it was uploaded before previews existed."""
    if not document.thumbnail:
        from django.core.files.base import ContentFile

        from applicants.uploads import thumbnail_of

        with document.file.open("rb") as stored:
            document.thumbnail.save("thumb", ContentFile(thumbnail_of(stored.read())), save=False)
        Document.objects.filter(pk=document.pk).update(thumbnail=document.thumbnail.name)
    response = FileResponse(document.thumbnail.open("rb"), content_type="image/jpeg")
    response["Content-Disposition"] = f'inline; filename="{document.kind}-preview.jpg"'
    response["Cache-Control"] = THUMBNAIL_CACHE
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = IMAGE_POLICY
    return response
