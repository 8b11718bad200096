"""Reading WordPress exports (WXR): parsing and body conversion, no ORM.

The import itself, which writes, is ``articles.services.wordpress``.
"""
