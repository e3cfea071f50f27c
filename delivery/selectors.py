from applicants import workflow
from applicants.models import ApplicationStatus as S
from delivery.models import DeliveryChoice
from delivery.services import ADDRESS_FIELDS, CHOICE_OPEN


def choice_of(application) -> DeliveryChoice:
    """The applicant's choice; pickup until they choose otherwise (not stored until then)."""
    return DeliveryChoice.objects.filter(application=application).first() or DeliveryChoice(application=application)


def delivery_visible(application) -> bool:
    """Whether the applicant has a delivery to choose or follow (not before submission or after the end)."""
    return application.status != S.DRAFT and application.status not in workflow.FINISHED - {S.DELIVERED}


def choice_form_initial(application, choice: DeliveryChoice) -> dict:
    """The form starts from the saved choice, else from the applicant's own name and address."""
    initial = {field: getattr(choice, field) or getattr(application, field, "") for field in ADDRESS_FIELDS}
    initial["recipient_name"] = choice.recipient_name or application.full_name
    return {"method": choice.method, **initial}


def delivery_actions(application) -> set[str]:
    """Choose pickup or delivery while the passport is at the office; follow a parcel sent."""
    actions = set()
    if application.status in CHOICE_OPEN:
        actions.add("choose_delivery")
    if application.status in (S.SHIPPED, S.DELIVERED):
        actions.add("track_parcel")
    return actions
