"""Time clean_html() on hostile article bodies.

    .venv/bin/python bench/sanitize.py                  # every shape, best of 3
    .venv/bin/python bench/sanitize.py --rounds 1 "20,000 nested <b>"

Two groups of shapes: those that held the sanitiser for seconds (refused now, before
the work), and the costliest shapes found that the limits in articles/sanitize.py
still let through, each filled to the body size cap. Prints a Markdown table of CPU
time (process time, steadier than wall time on a shared machine) and wall time.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gbanews.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django

django.setup()

from articles import sanitize
from articles.models.articles import BODY_MAX_CHARS as CAP

MARKUP = sanitize.MAX_MARKUP
DEPTH = sanitize.MAX_DEPTH
TAG_LENGTH = sanitize.MAX_TAG_LENGTH
TAG_TEXT = sanitize.MAX_TAG_TEXT


def fill(html, filler="x"):
    """Pad html with text to the body size cap."""
    return html + filler * (CAP - len(html))


def after_text(html):
    """html after a paragraph of text that fills the body to its cap."""
    return "<p>" + "x" * (CAP - len(html) - 3) + html


def attributes(n):
    return " ".join(f"a{i}=x" for i in range(n))


HOSTILE = {
    "20,000 nested <b>": lambda: "<b>" * 20_000 + "x" + "</b>" * 20_000,
    "5,000 nested <blockquote><p>": lambda: "<blockquote><p>" * 5_000 + "x",
    "100,000 character references": lambda: "&amp;" * 100_000,
    "one tag, 20,000 attributes": lambda: f"<p {attributes(20_000)}>x</p>",
    "18,000 nested <ul><li>": lambda: "<ul><li>" * 18_000,
    "4,500 paragraphs reopening 90 <b>": lambda: (
        "<p>"
        + "".join(f"<b title={i}>" for i in range(90))
        + "</p>"
        + "<p>x</p>" * 4_500
    ),
    "9,000 unclosed <svg>, then text": lambda: fill("<svg>" * 9_000),
}

WITHIN = {
    "5,000 <b>x</b>": lambda: fill("<b>x</b>" * (MARKUP // 2)),
    "10,000 unclosed <li>": lambda: fill("<ul>" + "<li>x" * (MARKUP - 1)),
    "table, 9 cells a row": lambda: fill(
        "<table>" + ("<tr>" + "<td>1</td>" * 9 + "</tr>") * (MARKUP // 21) + "</table>"
    ),
    "10,000 references after text": lambda: after_text("&amp;" * (MARKUP - 1)),
    "10,000 stray < after text": lambda: after_text("< " * (MARKUP - 1)),
    "references in a quoted value": lambda: fill(
        '<a title="' + ("x" * 20 + "&") * (MARKUP - 3) + '">x</a>'
    ),
    "50 attributes a tag": lambda: fill(
        (f"<a {attributes(49)}>x</a>") * (TAG_TEXT // 300)
    ),
    "long tag names": lambda: fill(
        ("<a" + "-" * (TAG_LENGTH - 3) + ">") * (TAG_TEXT // TAG_LENGTH)
    ),
    "comment with 10,000 dashes": lambda: fill(
        "<!--" + "x" * 200_000 + "-x" * (MARKUP - 2) + "-->"
    ),
    "99 deep, then tags": lambda: fill(
        "<b>" * (DEPTH - 2) + "<i>x</i>" * ((MARKUP - DEPTH) // 2)
    ),
    "foster-parented tags": lambda: fill(
        "<b>x</b>" * (MARKUP // 4) + "<table>" + "<i>x</i>" * (MARKUP // 4 - 10)
    ),
    "misnested <b><p>": lambda: fill("<b><p>x</b>y</p>" * (MARKUP // 4)),
}


def measure(html, rounds):
    """Best CPU and wall time of clean_html(html) over rounds, and the outcome."""
    cpu = wall = float("inf")
    for _ in range(rounds):
        started, started_cpu = time.perf_counter(), time.process_time()
        try:
            sanitize.clean_html(html)
            outcome = "cleaned"
        except sanitize.MarkupTooComplex as refused:
            outcome = f"refused ({getattr(refused, 'code', 'error')})"
        cpu = min(cpu, time.process_time() - started_cpu)
        wall = min(wall, time.perf_counter() - started)
    return outcome, cpu, wall


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="shapes to time (default: all)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print("| shape | characters | outcome | CPU | wall |")
    print("|---|---:|---|---:|---:|")
    for shapes in (HOSTILE, WITHIN):
        for name, make in shapes.items():
            if args.names and name not in args.names:
                continue
            html = make()
            outcome, cpu, wall = measure(html, args.rounds)
            print(
                f"| {name} | {len(html):,} | {outcome} | {cpu:.3f} s | {wall:.3f} s |"
            )


if __name__ == "__main__":
    main()
