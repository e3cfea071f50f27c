"""Applications and their documents over the API."""

from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from applicants import rules, selectors, services
from applicants.fees import fees_in_force, price_of_application
from applicants.files import private_file_response
from applicants.models import Application, Document, DocumentKind
from core.audit import action_label
from core.idempotency import idempotent
from core.throttling import throttle

WriteThrottle = throttle("write_account")
UploadThrottle = throttle("upload_account")


class ApplicationIn(serializers.ModelSerializer):
    """Any subset of the applicant's fields; each given field must be valid."""

    class Meta:
        model = Application
        fields = list(rules.EDITABLE_FIELDS)
        extra_kwargs = {
            **{f: {"required": False} for f in rules.EDITABLE_FIELDS},
            # Numbers are accepted with spaces or dashes as people copy them from cards.
            **{f: {"required": False, "max_length": 40} for f in ("nik", "kk_number", "guardian_nik")},
            **{f: {"required": False, "max_length": 30} for f in ("phone", "emergency_contact_phone")},
            "postal_code": {"required": False, "max_length": 10},
            "old_passport_number": {"required": False, "max_length": 20},
        }


class PriceLineOut(serializers.Serializer):
    product = serializers.CharField()
    label = serializers.CharField()
    amount = serializers.IntegerField(help_text="Rupiah")


class DocumentOut(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    status_label = serializers.CharField(source="get_status_display")
    file_url = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "kind",
            "kind_label",
            "content_type",
            "size",
            "width",
            "height",
            "page_count",
            "status",
            "status_label",
            "rejection_reason",
            "quality_warnings",
            "uploaded_on_behalf",
            "created_at",
            "file_url",
        ]

    def get_file_url(self, document) -> str:
        return reverse("api_document_file", args=[document.application_id, document.pk])


class ApplicationOut(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display")
    price = serializers.SerializerMethodField()
    total_fee = serializers.SerializerMethodField()
    documents = DocumentOut(many=True, read_only=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "number",
            "status",
            "status_label",
            *rules.EDITABLE_FIELDS,
            "price",
            "total_fee",
            "documents",
            "created_at",
            "updated_at",
            "submitted_at",
            "assist_consent_at",
            "handed_over_at",
        ]
        read_only_fields = ["assist_consent_at", "handed_over_at"]

    def _lines(self, application):
        if not hasattr(application, "_price_lines"):
            application._price_lines = price_of_application(application, fees=self.context.get("fees"))
        return application._price_lines

    @extend_schema_field(PriceLineOut(many=True))
    def get_price(self, application) -> list[dict]:
        return PriceLineOut(self._lines(application), many=True).data

    def get_total_fee(self, application) -> int | None:
        lines = self._lines(application)
        return sum(line.amount for line in lines) if lines else None


def _application(request, application_id):
    return selectors.application_of(request.user, application_id)


class ApplicationListView(APIView):
    def get_throttles(self):
        return [WriteThrottle()] if self.request.method == "POST" else []

    @extend_schema(responses=ApplicationOut(many=True), tags=["applications"], summary="My applications")
    def get(self, request):
        applications = selectors.applications_of(request.user).prefetch_related("documents")
        # The fee schedule is read once for the whole list, not once per application.
        return Response(ApplicationOut(applications, many=True, context={"fees": fees_in_force()}).data)

    @extend_schema(
        request=ApplicationIn,
        responses={201: ApplicationOut},
        tags=["applications"],
        summary="Start an application (a draft; any valid subset of fields)",
    )
    @idempotent
    def post(self, request):
        data = ApplicationIn(data=request.data)
        data.is_valid(raise_exception=True)
        application = services.application_create(owner=request.user, data=data.validated_data)
        return Response(ApplicationOut(application).data, status=status.HTTP_201_CREATED)


class ApplicationDetailView(APIView):
    def get_throttles(self):
        return [WriteThrottle()] if self.request.method == "PATCH" else []

    @extend_schema(responses=ApplicationOut, tags=["applications"], summary="Read one application")
    def get(self, request, application_id):
        return Response(ApplicationOut(_application(request, application_id)).data)

    @extend_schema(
        request=ApplicationIn,
        responses=ApplicationOut,
        tags=["applications"],
        summary="Correct an application while it is still editable",
    )
    def patch(self, request, application_id):
        application = _application(request, application_id)
        data = ApplicationIn(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        application = services.application_update(application=application, actor=request.user, data=data.validated_data)
        return Response(ApplicationOut(application).data)


class ProblemsOut(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class SubmitView(APIView):
    throttle_classes = [WriteThrottle]

    @extend_schema(
        request=None,
        responses={
            200: ApplicationOut,
            400: OpenApiResponse(
                ProblemsOut,
                description=(
                    "`application_incomplete`: `fields` lists every missing or wrong item; missing documents "
                    "appear as `documents.<requirement>`."
                ),
            ),
        },
        tags=["applications"],
        summary="Submit a complete application",
    )
    def post(self, request, application_id):
        application = services.application_submit(application=_application(request, application_id), actor=request.user)
        return Response(ApplicationOut(application).data)


class RequirementOut(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    kinds = serializers.ListField(child=serializers.CharField(), help_text="Any one of these kinds satisfies it.")
    done = serializers.BooleanField()


class ChecklistOut(serializers.Serializer):
    required_documents = RequirementOut(many=True)
    problems = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class ChecklistView(APIView):
    @extend_schema(
        responses=ChecklistOut,
        tags=["applications"],
        summary="What this application still needs: documents required and problems to fix",
    )
    def get(self, request, application_id):
        application = _application(request, application_id)
        checklist = selectors.documents_checklist(application)
        return Response(
            {
                "required_documents": [
                    {
                        "key": item["requirement"].key,
                        "label": str(item["requirement"].label),
                        "kinds": list(item["requirement"].kinds),
                        "done": item["done"],
                    }
                    for item in checklist
                ],
                "problems": services.application_problems(application),
            }
        )


class DocumentIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    file = serializers.FileField(allow_empty_file=True, help_text="JPEG, PNG, HEIC/HEIF or PDF, at most 10 MB.")


class DocumentListView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    def get_throttles(self):
        return [UploadThrottle()] if self.request.method == "POST" else []

    @extend_schema(responses=DocumentOut(many=True), tags=["documents"], summary="Documents of an application")
    def get(self, request, application_id):
        return Response(DocumentOut(_application(request, application_id).documents.all(), many=True).data)

    @extend_schema(
        request={"multipart/form-data": DocumentIn},
        responses={201: DocumentOut},
        tags=["documents"],
        summary="Upload a document (replaces the current one of the same kind)",
    )
    def post(self, request, application_id):
        application = _application(request, application_id)
        data = DocumentIn(data=request.data)
        data.is_valid(raise_exception=True)
        document = services.document_upload(
            application=application,
            actor=request.user,
            kind=data.validated_data["kind"],
            upload=data.validated_data["file"],
        )
        return Response(DocumentOut(document).data, status=status.HTTP_201_CREATED)


class DocumentDetailView(APIView):
    @extend_schema(responses=DocumentOut, tags=["documents"], summary="One document")
    def get(self, request, application_id, document_id):
        return Response(DocumentOut(selectors.document_of(request.user, application_id, document_id)).data)

    @extend_schema(responses={204: None}, tags=["documents"], summary="Remove a document (drafts only)")
    def delete(self, request, application_id, document_id):
        services.document_delete(
            document=selectors.document_of(request.user, application_id, document_id), actor=request.user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class DocumentFileView(APIView):
    @extend_schema(
        responses={(200, "image/jpeg"): bytes, (200, "application/pdf"): bytes},
        tags=["documents"],
        summary="The stored file (owner only)",
    )
    def get(self, request, application_id, document_id):
        return private_file_response(selectors.document_of(request.user, application_id, document_id))


class TimelineEntryOut(serializers.Serializer):
    action = serializers.CharField()
    label = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    reason = serializers.CharField()
    by_staff = serializers.BooleanField()
    at = serializers.DateTimeField()


class TimelineView(APIView):
    @extend_schema(
        responses=TimelineEntryOut(many=True),
        tags=["applications"],
        summary="Every step of the application with its time, newest last",
    )
    def get(self, request, application_id):
        application = _application(request, application_id)
        entries = selectors.timeline_of(application)
        return Response(
            TimelineEntryOut(
                [
                    {
                        "action": e.action,
                        "label": action_label(e),
                        "from_status": e.from_status,
                        "to_status": e.to_status,
                        "reason": e.reason,
                        "by_staff": bool(e.actor and e.actor.pk != application.owner_id),
                        "at": e.created_at,
                    }
                    for e in entries
                ],
                many=True,
            ).data
        )
