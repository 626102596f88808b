"""Pages of a list: the contract every list endpoint keeps.

A list answers {"count", "count_exact", "next", "previous", "results"}: `count` is the number of records on all
pages, exact up to 10,000 (past that it says 10,000 and `count_exact` is false: `treaties.pagination`),
`next` and `previous` are absolute URLs (null at either end) that keep every other parameter, and the same
two links are in a `Link` header (rel="next", rel="prev"). Pages are numbered from 1; `page_size` is 1 to
200 (default 50). A malformed or out-of-range `page` or `page_size` is a 400 naming it; a page past the last
is a 404. Records keep a fixed order within a list, so walking the pages of an unchanged record sees each
record once.
"""

import functools

from django import forms
from rest_framework.pagination import PageNumberPagination

from ..pagination import BoundedPaginator
from ..web.forms import WholeNumberField
from .filters import field_schema, validated

DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE = 50, 200


class PageChoice(forms.Form):
    page = WholeNumberField(required=False, min_value=1, help_text="Which page, from 1 (default 1)")
    page_size = WholeNumberField(required=False, min_value=1, max_value=MAX_PAGE_SIZE,
                                   help_text=f"Results per page, 1 to {MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE})")


class Pagination(PageNumberPagination):
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    last_page_strings = ()  # a page is a number: the schema says so, and `count` gives the last one
    django_paginator_class = BoundedPaginator

    def paginate_queryset(self, queryset, request, view=None):
        self.chosen = validated(PageChoice(request.query_params))
        # A list that knows its length without counting its rows says so (the treaties': `treaties_counted`).
        self.django_paginator_class = functools.partial(BoundedPaginator, counted=getattr(view, "counted", None))
        return super().paginate_queryset(queryset, request, view)

    def get_page_size(self, request):
        return self.chosen["page_size"] or self.page_size

    def get_page_number(self, request, paginator):
        return self.chosen["page"] or 1

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_exact"] = self.page.paginator.exact
        links = [f'<{url}>; rel="{rel}"' for url, rel in [(self.get_next_link(), "next"),
                                                         (self.get_previous_link(), "prev")] if url]
        if links:
            response["Link"] = ", ".join(links)
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count_exact"] = {"type": "boolean", "example": True,
                                               "description": "false when there are more records than `count`"}
        return schema

    def get_schema_operation_parameters(self, view):
        return [
            {"name": name, "required": False, "in": "query", "description": str(field.help_text),
             "schema": field_schema(field)}
            for name, field in PageChoice.base_fields.items()
        ]
