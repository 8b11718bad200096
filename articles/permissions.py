"""Who may do what to an article: one place for the admin, views and services."""

from .models import Article


def can_publish(user) -> bool:
    """Publish, schedule, unpublish, edit any article, restore from the trash."""
    return user.has_perm("articles.publish_article")


def can_purge(user) -> bool:
    return user.has_perm("articles.purge_article")


def owns_draft(user, article: Article) -> bool:
    return (
        article.author_id == user.pk
        and article.status == Article.Status.DRAFT
        and not article.is_trashed
    )


def can_edit(user, article: Article) -> bool:
    """Editors change any article outside the trash; authors only their drafts."""
    if not user.has_perm("articles.change_article") or article.is_trashed:
        return False
    return can_publish(user) or owns_draft(user, article)


def can_submit(user, article: Article) -> bool:
    return article.status == Article.Status.DRAFT and can_edit(user, article)


def can_trash(user, article: Article) -> bool:
    if not user.has_perm("articles.delete_article") or article.is_trashed:
        return False
    return can_publish(user) or owns_draft(user, article)
