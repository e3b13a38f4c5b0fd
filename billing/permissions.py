from django.shortcuts import get_object_or_404

from billing.models import Pass, Payment


def get_pass_for_user(user, pk: int) -> Pass:
    """The student's own pass; anyone else's is "not found" (managers use the admin)."""
    passes = Pass.objects.select_related("enrollment__student", "enrollment__language", "product")
    return get_object_or_404(passes, pk=pk, enrollment__student=user)


def get_payment_for_student(user, pk: int) -> Payment:
    return get_object_or_404(Payment.objects.select_related("product", "enrollment"), pk=pk, student=user)
