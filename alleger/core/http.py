"""Small HTTP helpers shared by views and middleware."""


def as_head(response):
    """The answer to HEAD: GET's status and headers, without the body (RFC 9110 §9.3.2).

    `Content-Length` is GET's, set here before the body goes (CommonMiddleware would count the empty body).
    """
    if response.streaming:
        response.streaming_content = []
    else:
        response.headers.setdefault("Content-Length", str(len(response.content)))
        response.content = b""
    return response
