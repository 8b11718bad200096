"""Admin form data as the admin renders it, for tests that post the article form."""

from django.urls import reverse


def article_form_data(client, article):
    """The article's change form as the admin renders it, ready to post."""
    response = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    form = response.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if name not in ("categories", "tags", "image", "author", "published_at")
        and value
        is not None  # an empty choice (no original to translate) is sent as ""
    }
    data.update(
        {
            "lead": article.lead,
            "title": article.title,
            "slug": article.slug,
            "status": article.status,
            "language": article.language_id,
            "published_at_0": "2020-06-01",
            "published_at_1": "09:30:00",
            "categories": [c.pk for c in article.categories.all()],
            "tags": "",
            "image_alt": "",
            "source_links-TOTAL_FORMS": "1",
            "source_links-INITIAL_FORMS": "0",
            "source_links-MIN_NUM_FORMS": "0",
            "source_links-MAX_NUM_FORMS": "1000",
            "bylines-TOTAL_FORMS": "0",
            "bylines-INITIAL_FORMS": "0",
        }
    )
    return data
