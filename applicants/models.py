import secrets
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applicants import identity
from applicants.storage import private_storage


def stored_form(model: str, field: str, pattern: str, *, blank: bool = True) -> models.CheckConstraint:
    """The database refuses a typed number in any form but the one `identity` stores (ASCII),
    whatever code path writes it: one person's NIK can never be stored two ways."""
    regex = f"^({pattern})?$" if blank else f"^{pattern}$"
    return models.CheckConstraint(condition=Q(**{f"{field}__regex": regex}), name=f"{model}_{field}_stored_form")


class UserManager(BaseUserManager):
    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email):
        # Addresses are compared case-insensitively everywhere, so store them lowercased.
        return (email or "").strip().lower()

    def get_by_natural_key(self, username):
        return self.get(email=self.normalize_email(username))

    def create_user(self, email, password=None, **extra):
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """An account. One account may prepare applications for several family members."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    phone = models.CharField(_("mobile number"), max_length=20, blank=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    email_verified_at = models.DateTimeField(_("email verified at"), null=True, blank=True)
    language = models.CharField(_("language for messages"), max_length=5, choices=settings.LANGUAGES, default="id")
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            stored_form("user", "phone", identity.PHONE_PATTERN),
        ]

    def __str__(self):
        return self.email

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None


class PassportType(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary passport")
    ELECTRONIC = "electronic", _("Electronic passport (e-passport)")


class ServiceSpeed(models.TextChoices):
    REGULAR = "regular", _("Regular (ready in 4 working days)")
    SAME_DAY = "same_day", _("Same-day (percepatan)")


class Reason(models.TextChoices):
    NEW = "new", _("New passport (never had one)")
    EXPIRED = "expired", _("Replacement: passport expired or about to expire")
    PAGES_FULL = "pages_full", _("Replacement: pages full")
    LOST = "lost", _("Replacement: passport lost")
    DAMAGED = "damaged", _("Replacement: passport damaged")
    FORCE_MAJEURE = "force_majeure", _("Replacement: lost or damaged by force majeure")


class Purpose(models.TextChoices):
    TOURISM = "tourism", _("Tourism")
    UMRAH = "umrah", _("Umrah")
    HAJJ = "hajj", _("Hajj")
    WORK = "work", _("Formal work")
    MIGRANT_WORKER = "migrant_worker", _("Migrant worker")
    STUDY = "study", _("Study")
    MEDICAL = "medical", _("Medical treatment")


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class MaritalStatus(models.TextChoices):
    SINGLE = "single", _("Not married")
    MARRIED = "married", _("Married")
    DIVORCED = "divorced", _("Divorced")
    WIDOWED = "widowed", _("Widowed")


class Relationship(models.TextChoices):
    SELF = "self", _("Myself")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    SIBLING = "sibling", _("Sibling")
    OTHER = "other", _("Other family member")


class GuardianRelationship(models.TextChoices):
    FATHER = "father", _("Father")
    MOTHER = "mother", _("Mother")
    GUARDIAN = "guardian", _("Legal guardian")


class PriorityReason(models.TextChoices):
    NONE = "", _("None")
    DISABILITY = "disability", _("Person with a disability")
    PREGNANT = "pregnant", _("Pregnant")
    SICK = "sick", _("Sick")
    ELDERLY = "elderly", _("Elderly (60 or older)")
    YOUNG_CHILD = "young_child", _("Child under five")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    BOOKED = "booked", _("Booked, awaiting payment")
    EXPIRED = "expired", _("Payment deadline passed")
    PAID = "paid", _("Paid")
    CHECKED_IN = "checked_in", _("Checked in at the office")
    INTERVIEWED = "interviewed", _("Interviewed")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    PRINTED = "printed", _("Passport printed")
    READY = "ready", _("Ready for pickup")
    SHIPPED = "shipped", _("Shipped by PT Pos")
    DELIVERED = "delivered", _("Delivered")
    COLLECTED = "collected", _("Collected")
    CANCELLED = "cancelled", _("Cancelled")


class PostalAddress(models.Model):
    """An Indonesian address as written on a KTP or a parcel, down to village and postal code."""

    address_line = models.CharField(_("street address, RT/RW"), max_length=200, blank=True)
    village = models.CharField(_("village (kelurahan/desa)"), max_length=60, blank=True)
    district = models.CharField(_("district (kecamatan)"), max_length=60, blank=True)
    city = models.CharField(_("regency or city"), max_length=60, blank=True)
    province = models.CharField(_("province"), max_length=60, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)

    class Meta:
        abstract = True


NUMBER_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O or 1/I: read aloud at counters


def new_application_number() -> str:
    return "MP" + "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(10))


class Application(PostalAddress):
    """One person's passport application, with the biodata declared for it.

    Biodata is stored per application, not per person: the KK number and address change
    over a life, and each application must show what was declared when it was made.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(_("application number"), max_length=12, unique=True, default=new_application_number)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications")
    # Assisted mode: customer service started the application with a walk-in applicant, who
    # agreed to it, and fills it in with them until it is handed over to the applicant's phone.
    assisted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started at the counter by"),
        on_delete=models.PROTECT,
        related_name="assisted_applications",
        null=True,
        blank=True,
    )
    assist_consent_at = models.DateTimeField(_("applicant agreed to assistance at"), null=True, blank=True)
    handed_over_at = models.DateTimeField(_("handed over to the applicant at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    relationship = models.CharField(
        _("applicant is"), max_length=10, choices=Relationship.choices, default=Relationship.SELF
    )

    passport_type = models.CharField(_("passport type"), max_length=10, choices=PassportType.choices, blank=True)
    validity_years = models.PositiveSmallIntegerField(
        _("validity (years)"), null=True, blank=True, choices=[(5, "5"), (10, "10")]
    )
    service = models.CharField(_("service"), max_length=10, choices=ServiceSpeed.choices, default=ServiceSpeed.REGULAR)
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices, blank=True)
    purpose = models.CharField(_("purpose of travel"), max_length=16, choices=Purpose.choices, blank=True)
    old_passport_number = models.CharField(_("old passport number"), max_length=9, blank=True)

    nik = models.CharField(_("NIK"), max_length=16, blank=True, db_index=True)
    kk_number = models.CharField(_("family card (KK) number"), max_length=16, blank=True)
    full_name = models.CharField(_("full name"), max_length=100, blank=True, db_index=True)
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices, blank=True)
    place_of_birth = models.CharField(_("place of birth"), max_length=60, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    marital_status = models.CharField(_("marital status"), max_length=10, choices=MaritalStatus.choices, blank=True)
    occupation = models.CharField(_("occupation"), max_length=60, blank=True)
    phone = models.CharField(_("mobile number"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)

    mother_name = models.CharField(_("mother's full name"), max_length=100, blank=True)
    father_name = models.CharField(_("father's full name"), max_length=100, blank=True)
    guardian_relationship = models.CharField(
        _("parent or guardian is"), max_length=10, choices=GuardianRelationship.choices, blank=True
    )
    guardian_nik = models.CharField(_("parent's or guardian's NIK"), max_length=16, blank=True)
    guardian_name = models.CharField(_("parent's or guardian's full name"), max_length=100, blank=True)

    emergency_contact_name = models.CharField(_("emergency contact name"), max_length=100, blank=True)
    emergency_contact_phone = models.CharField(_("emergency contact phone"), max_length=20, blank=True)
    emergency_contact_relationship = models.CharField(_("emergency contact relationship"), max_length=40, blank=True)

    naturalised = models.BooleanField(_("citizen by naturalisation"), default=False)
    name_changed = models.BooleanField(_("name has been changed officially"), default=False)
    priority_reason = models.CharField(
        _("priority lane reason"), max_length=12, choices=PriorityReason.choices, blank=True, default=""
    )

    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]
        permissions = [
            ("check_in_application", _("Can check applicants in at the office")),
            ("interview_application", _("Can interview and record photo and fingerprints")),
            ("decide_application", _("Can approve, refuse or cancel applications")),
            ("issue_passport", _("Can record printing and dispatch of passports")),
            ("hand_over_passport", _("Can hand passports over at the office")),
            ("assist_applicant", _("Can start and fill in applications with a walk-in applicant")),
        ]
        indexes = [models.Index(fields=["owner", "status"])]
        constraints = [
            stored_form("application", "nik", identity.NIK_PATTERN),
            stored_form("application", "kk_number", identity.KK_PATTERN),
            stored_form("application", "guardian_nik", identity.NIK_PATTERN),
            stored_form("application", "postal_code", identity.POSTAL_CODE_PATTERN),
            stored_form("application", "phone", identity.PHONE_PATTERN),
            stored_form("application", "emergency_contact_phone", identity.PHONE_PATTERN),
            stored_form("application", "old_passport_number", identity.PASSPORT_NUMBER_PATTERN),
        ]

    def __str__(self):
        return f"{self.number} {self.full_name}".strip()


class DocumentKind(models.TextChoices):
    KTP = "ktp", _("Identity card (e-KTP)")
    KK = "kk", _("Family card (KK)")
    BIRTH_CERTIFICATE = "birth_certificate", _("Birth certificate")
    MARRIAGE_CERTIFICATE = "marriage_certificate", _("Marriage certificate or book")
    DIPLOMA = "diploma", _("School diploma")
    BAPTISM_CERTIFICATE = "baptism_certificate", _("Baptism certificate")
    OLD_PASSPORT = "old_passport", _("Old passport (identity page)")
    POLICE_REPORT = "police_report", _("Police report of the loss")
    NATURALISATION_DECREE = "naturalisation_decree", _("Naturalisation decree")
    NAME_CHANGE_DECREE = "name_change_decree", _("Name-change decree")
    PARENT_KTP = "parent_ktp", _("Parent's identity card (e-KTP)")
    PARENTS_MARRIAGE_CERTIFICATE = "parents_marriage_certificate", _("Parents' marriage certificate or book")


class DocumentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


def document_path(instance, filename):
    # The stored name reveals nothing about the person or the original file name.
    return f"documents/{instance.application_id}/{uuid.uuid4().hex}{instance.extension}"


class Document(models.Model):
    """One uploaded document of an application; one current file per kind."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=32, choices=DocumentKind.choices)
    file = models.FileField(_("file"), storage=private_storage, upload_to=document_path, max_length=200)
    # A small JPEG made at upload for the documents page (a few KB instead of the full photo).
    thumbnail = models.FileField(
        _("thumbnail"), storage=private_storage, upload_to=document_path, max_length=200, blank=True
    )
    content_type = models.CharField(_("content type"), max_length=40)
    original_name = models.CharField(_("original file name"), max_length=200, blank=True)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    page_count = models.PositiveSmallIntegerField(null=True, blank=True)
    quality_warnings = models.JSONField(_("quality warnings"), default=list, blank=True)
    status = models.CharField(
        _("review"), max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.PENDING
    )
    rejection_reason = models.CharField(_("reason for rejection"), max_length=300, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_on_behalf = models.BooleanField(_("uploaded by staff on the applicant's behalf"), default=False)
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        permissions = [("review_document", _("Can accept or reject documents"))]
        ordering = ["application", "kind"]
        constraints = [models.UniqueConstraint(fields=["application", "kind"], name="one_document_per_kind")]

    def __str__(self):
        return self.get_kind_display()

    @property
    def extension(self) -> str:
        return {"image/jpeg": ".jpg", "application/pdf": ".pdf"}.get(self.content_type, ".bin")

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class FeeProduct(models.TextChoices):
    ORDINARY_5 = "ordinary_5", _("Ordinary passport, 5 years")
    ORDINARY_10 = "ordinary_10", _("Ordinary passport, 10 years")
    ELECTRONIC_5 = "electronic_5", _("Electronic passport, 5 years")
    ELECTRONIC_10 = "electronic_10", _("Electronic passport, 10 years")
    SAME_DAY = "same_day", _("Same-day service (percepatan), on top")
    LOST = "lost_surcharge", _("Lost passport, on top")
    DAMAGED = "damaged_surcharge", _("Damaged passport, on top")


class Fee(models.Model):
    """A price in rupiah from a given moment. A bill keeps the price in force when issued."""

    product = models.CharField(_("product"), max_length=20, choices=FeeProduct.choices)
    amount = models.PositiveIntegerField(_("amount (IDR)"))
    effective_from = models.DateTimeField(_("in force from"), default=timezone.now)
    legal_basis = models.CharField(_("legal basis"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("fee")
        verbose_name_plural = _("fee schedule")
        ordering = ["product", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["product", "effective_from"], name="one_fee_per_product_and_start")
        ]

    def __str__(self):
        return f"{self.get_product_display()}: Rp{self.amount:,}".replace(",", ".")


class StaffIdentity(models.Model):
    """Who a staff account is as a citizen, entered by a superuser: the NIK and family card
    that tie the officer to applications they must not act on (separation of duties)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_identity")
    nik = models.CharField(_("NIK"), max_length=16, unique=True)
    kk_number = models.CharField(_("family card (KK) number"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("staff identity")
        verbose_name_plural = _("staff identities")
        constraints = [
            stored_form("staffidentity", "nik", identity.NIK_PATTERN, blank=False),
            stored_form("staffidentity", "kk_number", identity.KK_PATTERN),
        ]

    def __str__(self):
        return str(self.user)
