"""A WSGI application that answers the length of the request's query string: lets a test drive a
real gunicorn, configured as `alleger serve` configures it, without a database."""


def application(environ, start_response):
    body = str(len(environ.get("QUERY_STRING", ""))).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
