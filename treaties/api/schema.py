"""The API's OpenAPI schema: drf-spectacular's, plus the error responses every endpoint can give."""

from drf_spectacular.openapi import AutoSchema

ERROR_BODY = {
    "type": "object",
    "description": "Either {\"detail\": message} or {parameter: [messages]} naming what to fix.",
    "additionalProperties": True,
}
ERRORS = {
    "400": "A query parameter is not valid; the body names it and says what to fix.",
    "404": "No such record, or a page number past the last page.",
    "429": "Too many requests from this client; the Retry-After header says when to come back.",
}


class TrackerSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, description in ERRORS.items():
            responses.setdefault(
                code, {"description": description, "content": {"application/json": {"schema": ERROR_BODY}}}
            )
        return responses
