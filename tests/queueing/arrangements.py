"""What makes a person's request something the fast paths must leave to the full path: each
takes the application (and whatever else a test passes) and returns what the request needs."""

from rest_framework_simplejwt.tokens import AccessToken

from tests.factories import ready_application


def password_changed(application, *_):
    token = AccessToken.for_user(application.owner)
    application.owner.set_password("Sebuah-kata-sandi-baru-77")
    application.owner.save()
    return {"token": token}


def inactive(application, *_):
    application.owner.is_active = False
    application.owner.save()
    return {}


def someone_elses(application, *_):
    return {"token": AccessToken.for_user(ready_application().owner)}


def not_verified(application, *_):
    application.owner.email_verified_at = None
    application.owner.save()
    return {}


def document_rejected(application, *_):
    application.documents.filter(kind="ktp").update(status="rejected")
    return {}


def withdrawn(application, *_):
    type(application).objects.filter(pk=application.pk).update(status="withdrawn")
    return {}


def electronic(application, *_):
    type(application).objects.filter(pk=application.pk).update(passport_type="electronic")
    return {}


# (arrangement, the full path's status, its code): the same for a booking and a draw entry.
REFUSALS = [
    (password_changed, 401, None),
    (inactive, 401, None),
    (someone_elses, 404, None),
    (not_verified, 403, "email_not_verified"),
    (document_rejected, 400, "application_incomplete"),
    (withdrawn, 409, "illegal_transition"),
    (electronic, 409, "office_does_not_serve"),
]
