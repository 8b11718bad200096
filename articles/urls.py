from django.urls import path, register_converter

from . import converters, views

register_converter(converters.UnicodeSlugConverter, "uslug")
register_converter(converters.FourDigitYearConverter, "yyyy")
register_converter(converters.TwoDigitConverter, "nn")

app_name = "articles"


def paged(route, view, name):
    """Return the bare archive URL and its WordPress-style /page/<n>/ twin."""
    return [
        path(route, view, name=name),
        path(f"{route}page/<int:page>/", view, name=f"{name}-page"),
    ]


urlpatterns = [
    *paged("", views.IndexView.as_view(), "index"),
    path("preview/<str:token>/", views.PreviewLinkView.as_view(), name="preview"),
    *paged("category/<uslug:slug>/", views.CategoryArchiveView.as_view(), "category"),
    *paged("tag/<uslug:slug>/", views.TagArchiveView.as_view(), "tag"),
    *paged("source/<uslug:slug>/", views.SourceArchiveView.as_view(), "source"),
    *paged("<yyyy:year>/", views.YearArchiveView.as_view(), "year"),
    *paged("<yyyy:year>/<nn:month>/", views.MonthArchiveView.as_view(), "month"),
    path(
        "<yyyy:year>/<nn:month>/<nn:day>/<uslug:slug>/",
        views.ArticleDetailView.as_view(),
        name="article",
    ),
]
