"""The benchmark page: the smallest logged-in page, identical in both throughput variants."""

from django.http import HttpResponse, HttpResponseForbidden


def me(request):
    """The logged-in user's email; 403 (not a redirect: wrk counts 3xx as success) when logged out.

    request.user costs two SQL queries, both already run by LanguageMiddleware before the view:
    the session row (django_session) and the user row (accounts_user). The view adds none.
    """
    if not request.user.is_authenticated:
        return HttpResponseForbidden("not logged in")
    return HttpResponse(request.user.email, content_type="text/plain")
