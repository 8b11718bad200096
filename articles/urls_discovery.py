"""robots.txt and the sitemaps: one copy at the site's root, not one per language.

The sitemaps list every language's address of each page (articles/sitemaps.py).
"""

from django.urls import path

from . import views

app_name = "discovery"

urlpatterns = [
    path("sitemap.xml", views.sitemap_index, name="sitemap"),
    path("sitemap-<section>.xml", views.sitemap_section, name="sitemap-section"),
    path("news-sitemap.xml", views.news_sitemap, name="news-sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
]
