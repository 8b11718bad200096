from django.core.paginator import Paginator
from django.utils.functional import cached_property

from .cache import cached_count
from .models.archive_ids import ArchiveIds


class ArchivePaginator(Paginator):
    """Pages over ordered article ids, loading only the page shown.

    The ids are a values_list() queryset or an ``ArchiveIds``: anything with
    ``count()`` and slicing. The count is cached per content version under
    ``count_name``; a page costs one LIMIT/OFFSET query for its ids (an index answers
    it) plus what ``load`` runs for those articles.
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
        ids = self.object_list
        if isinstance(ids, ArchiveIds):
            page_ids = ids.between(bottom, top, self.count)
        else:
            page_ids = ids[bottom:top]
        return self._get_page(self.load(page_ids), number, self)
