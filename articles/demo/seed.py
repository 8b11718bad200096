"""Read the demo seed: the Innovation category archive as the old site showed it."""

import re
from dataclasses import dataclass
from pathlib import Path

from ..attribution import parse_attribution

SEED_FILE = Path(__file__).with_name("innovation-archive.txt")


@dataclass(frozen=True)
class SeedPost:
    title: str
    lead: str
    ending: str
    source_name: str = ""

    @property
    def continues(self) -> bool:
        """True when the old site said "Continue reading" (the full story is ours)."""
        return self.ending.startswith("Continue reading")


def parse_seed(text: str) -> list[SeedPost]:
    """Split the archive text into posts: title, lead paragraphs and closing line.

    A post ends with "Continue reading …" or "Read more …"; a "Read more …:" line
    is followed by the source's name.
    """
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
    if blocks and blocks[0].startswith("Category Archives:"):
        blocks = blocks[1:]
    posts, i = [], 0
    while i < len(blocks):
        title, paragraphs, ending = blocks[i], [], ""
        i += 1
        while i < len(blocks):
            block = blocks[i]
            i += 1
            paragraph, _newline, last_line = block.rpartition("\n")
            if paragraph and parse_attribution(last_line):
                paragraphs.append(paragraph.strip())
                ending = last_line.strip()
                break
            if block.startswith("Continue reading") or parse_attribution(block):
                ending = block
                break
            paragraphs.append(block)
        source_name = ""
        if ending.endswith(":") and i < len(blocks):
            source_name = blocks[i]
            i += 1
        posts.append(SeedPost(title, "\n\n".join(paragraphs), ending, source_name))
    return posts


def load_seed() -> list[SeedPost]:
    return parse_seed(SEED_FILE.read_text(encoding="utf-8"))
