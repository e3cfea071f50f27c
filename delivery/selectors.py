from delivery.models import DeliveryChoice


def choice_of(application) -> DeliveryChoice:
    """The applicant's choice; pickup until they choose otherwise (not stored until then)."""
    return DeliveryChoice.objects.filter(application=application).first() or DeliveryChoice(application=application)
