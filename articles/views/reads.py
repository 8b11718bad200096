"""The read beacon and the "most read" page (see articles/reads.py)."""

import logging

from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from .. import reads
from ..freshness import Freshness
from ..middleware import DATABASE_DOWN
from ..urls_absolute import absolute_url, reverse_once

logger = logging.getLogger(__name__)


# No form and no session: the beacon changes nothing but a count, so it needs no
# CSRF token; a forged one counts one read, as a real one does.
@csrf_exempt
@require_POST
def count_read(request, pk: int):
    """Count a read of article pk; always 204 with no body and no cookie.

    Only when reads are counted by the beacon (``READS_COUNTED_BY = "beacon"``).
    """
    if (
        reads.counted_by(reads.BEACON)
        and pk <= reads.MAX_ID
        and reads.countable(request)
    ):
        try:
            reads.record(pk)
        except DATABASE_DOWN:
            logger.warning("Read of article %s not counted: database down", pk)
    response = HttpResponse(status=204)
    add_never_cache_headers(response)
    return response


class MostReadView(TemplateView):
    """The most read articles of the last 24 hours and of the last 7 days."""

    template_name = "articles/most_read.html"

    def get_context_data(self, **kwargs):
        freshness = Freshness.of(self.request)
        return super().get_context_data(
            most_read_today=reads.most_read(freshness, reads.TODAY),
            most_read_week=reads.most_read(freshness, reads.WEEK),
            page_title=_("Most read"),
            canonical_url=absolute_url(reverse_once("articles:most-read")),
            meta_description=_("The most read stories today and this week."),
            page_lang=get_language(),
            **kwargs,
        )
