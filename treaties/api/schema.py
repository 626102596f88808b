"""The API's OpenAPI schema: drf-spectacular's, plus what every endpoint shares.

The error responses each endpoint can give, the headers clients build on (ETag, Link, Retry-After), and
`allowEmptyValue` on every query parameter: the filters are web forms, where an empty field means "any".
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter

ERROR_BODY = {
    "type": "object",
    "description": "{\"detail\": message}, or {parameter: [messages]} naming each bad query parameter, or "
                   "{\"non_field_errors\": [messages]} for a rule across parameters.",
    "additionalProperties": True,
}
ERRORS = {
    "400": "A query parameter is not valid; the body names it and says what to fix.",
    "404": "No such record, or a page number past the last page.",
    "429": "Too many requests from this client; the Retry-After header says when to come back.",
}
HEADERS = [
    OpenApiParameter("ETag", str, OpenApiParameter.HEADER, response=[200], required=True,
                     description="Send it back in If-None-Match: an unchanged answer is then a 304 with no body"),
    OpenApiParameter("Retry-After", {"type": "integer", "minimum": 0}, OpenApiParameter.HEADER, response=[429],
                     required=True, description="Seconds to wait before the next request"),
]
LINK = OpenApiParameter("Link", str, OpenApiParameter.HEADER, response=[200],
                        description='The next and previous pages: <url>; rel="next", <url>; rel="prev"')


class TrackerSchema(AutoSchema):
    def get_override_parameters(self):
        shared = [*HEADERS, LINK] if self._is_list_view() else HEADERS
        return [*super().get_override_parameters(), *shared]

    def _get_parameters(self):
        parameters = super()._get_parameters()
        for parameter in parameters:
            if parameter["in"] == "query":
                parameter["allowEmptyValue"] = True
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, description in ERRORS.items():
            response = {"description": description, "content": {"application/json": {"schema": ERROR_BODY}}}
            headers = self._get_response_headers_for_code(code, direction)
            responses.setdefault(code, {**response, "headers": headers} if headers else response)
        return responses
