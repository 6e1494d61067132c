"""The article view beacon answered before the rest of the middleware: it is the site's most
requested address (every reader's page load sends one) and needs none of it: no session,
language, CSRF check, page cache or request log line (nginx's and gunicorn's access logs keep
it). The view itself is ``readership.views.count_view``; its URL pattern (``count_view``) names
the address and answers it too when this middleware is not installed. While the database is away (a site without
Redis writes each view at once) it answers with the site's 503 notice, as the views do."""

from newsroom.middleware import DATABASE_ERRORS, database_unavailable
from readership.views import count_view

PREFIX = "/views/"


class ViewBeaconMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path.startswith(PREFIX):
            article_id = path[len(PREFIX) :]
            if article_id.isascii() and article_id.isdigit():
                try:
                    return count_view(request, int(article_id))
                except DATABASE_ERRORS as error:
                    return database_unavailable(request, error)
        return self.get_response(request)
