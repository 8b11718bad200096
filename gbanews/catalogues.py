"""Compile the message catalogues (locale/*/LC_MESSAGES/*.po) to .mo files.

Django's compilemessages runs GNU gettext's msgfmt, which a fresh machine lacks;
polib (pure Python) writes the same .mo files. `make run` and `make test` run this
through ``manage.py compile_catalogues``; the test suite also runs it at start
(tests/conftest.py), so that a plain ``pytest`` sees the current translations.
"""

from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def compile_catalogues(
    locale_dir: Path = LOCALE_DIR, force: bool = False
) -> list[Path]:
    """Write each .po's .mo when it is missing or older; return the .mo files written.

    A catalogue with a syntax error raises (polib's OSError/ValueError) naming it.
    """
    written = []
    for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if (
            not force
            and mo_path.exists()
            and mo_path.stat().st_mtime >= po_path.stat().st_mtime
        ):
            continue
        catalogue = polib.pofile(str(po_path))
        # Written beside, then moved: a server reading the catalogue never sees half.
        partial = mo_path.with_suffix(".mo.partial")
        catalogue.save_as_mofile(str(partial))
        partial.replace(mo_path)
        written.append(mo_path)
    return written
