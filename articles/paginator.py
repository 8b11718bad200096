from django.core.paginator import Paginator
from django.utils.functional import cached_property

from .cache import cached_count


class ArchivePaginator(Paginator):
    """Pages over ordered article ids, loading only the page shown.

    The ids are a values_list() queryset or an ``ArchiveIds``: anything with
    ``count()``, slicing and ``reverse()``. The count is cached per content version
    under ``count_name``; a page costs one LIMIT/OFFSET query for its ids (an index
    answers it) plus what ``load`` runs for those articles.
    """

    def __init__(self, ids, per_page, *, load, count_name, **kwargs):
        super().__init__(ids, per_page, **kwargs)
        self.load = load
        self.count_name = count_name

    @cached_property
    def count(self):
        return cached_count(self.count_name, self.object_list)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        rows, backwards = page_slice(self.object_list, bottom, top, self.count)
        ids = list(rows)
        return self._get_page(self.load(ids[::-1] if backwards else ids), number, self)


def page_slice(ids, start: int, stop: int, total: int):
    """Return (rows, backwards): rows start to stop of ids, read from the nearer end.

    OFFSET skips rows one by one, so a page in the second half of the archive is
    taken from ``ids.reverse()``; backwards says its rows come last one first.
    """
    if start <= total - stop:
        return ids[start:stop], False
    return ids.reverse()[max(total - stop, 0) : total - start], True
