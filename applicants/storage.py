from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import cached_property


class PrivateStorage(FileSystemStorage):
    """Files that must never be reachable by URL: applicants' documents."""

    def __init__(self):
        super().__init__(location=None, base_url=None)

    @cached_property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    def url(self, name):
        raise ValueError("Private files have no public URL; serve them through an authorising view.")


_storage = PrivateStorage()


def private_storage() -> PrivateStorage:
    return _storage
