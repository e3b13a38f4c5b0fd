from django.shortcuts import render


def unknown_school(request):
    """A host that no school serves: a friendly page, not a stack trace."""
    return render(request, "tenants/unknown_school.html", status=404)
