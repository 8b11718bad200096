from django.core.paginator import Paginator
from django.utils.functional import cached_property


class ArchivePaginator(Paginator):
    """Pages over an archive's ordered article ids, loading only the page shown.

    ``ids`` is a values_list() queryset of article ids; ``count`` returns how many
    there are (the views cache it); ``load`` turns a page's ids into what the page
    shows. A page costs one LIMIT/OFFSET query for its ids, which an index answers.
    """

    def __init__(self, ids, per_page, *, load, count, **kwargs):
        super().__init__(ids, per_page, **kwargs)
        self.load = load
        self.count_ids = count

    @cached_property
    def count(self):
        return self.count_ids()

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
