"""Pages of long lists without counting the world: an exact count up to `COUNT_LIMIT`, then "more than that".

Counting a million statements exactly costs more than the page itself, on every request; nobody pages that
far. Counting stops one row past the limit (`SELECT count(*) FROM (… LIMIT n)`), so its cost is bounded
whatever the table holds. The pages, the CSV and the API share it.
"""

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

COUNT_LIMIT = 10_000


class BoundedPaginator(Paginator):
    def __init__(self, object_list, per_page, *args, counted: int | None = None, **kwargs):
        """`counted`: how many rows there are, where the caller knows it without counting them
        (`selectors.treaties_counted`)."""
        super().__init__(object_list, per_page, *args, **kwargs)
        self._known = counted

    @cached_property
    def _counted(self) -> int:
        if self._known is not None:
            return self._known
        rows = self.object_list
        if isinstance(rows, QuerySet) and not rows.query.distinct:
            # The order changes nothing in how many rows there are; counting without it spares the sort
            # (a ranked search would rank every match just to count them).
            rows = rows.order_by()
        head = rows[:COUNT_LIMIT + 1]
        return head.count() if isinstance(head, QuerySet) else len(head)

    @cached_property
    def count(self) -> int:
        """Exact up to `COUNT_LIMIT`; past it, `COUNT_LIMIT` itself (and `exact` says so)."""
        return min(self._counted, COUNT_LIMIT)

    @property
    def exact(self) -> bool:
        return self._counted <= COUNT_LIMIT
