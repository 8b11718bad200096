"""The article body's rich-text editor (django-prose-editor, served from static/)."""

from django_prose_editor.widgets import AdminProseEditorWidget

# Only what articles.sanitize.clean_html() keeps; tests/test_richtext.py checks that
# the editor's own allow-list for these extensions stays inside the sanitiser's.
BODY_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "Code": True,
    "CodeBlock": True,
    "Heading": {"levels": [2, 3, 4]},
    "HardBreak": True,
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "Figure": True,
    "Caption": True,
    "Image": True,
    "HTML": True,
}


class ArticleBodyWidget(AdminProseEditorWidget):
    def __init__(self, attrs=None):
        super().__init__(
            attrs=attrs,
            config={"extensions": BODY_EXTENSIONS},
            preset="configurable",
        )
