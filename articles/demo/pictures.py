"""Pictures for the demo's stories, drawn with Pillow at load time (nothing fetched).

Each is a gradient in a category's colour with a simple motif over it; the same
story always gets the same picture.
"""

import io
import math
import random

from PIL import Image, ImageDraw, ImageOps

SIZE = (1280, 720)


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return tuple(int(colour[i : i + 2], 16) for i in (0, 2, 4))


def _mix(a, b, share: float) -> tuple[int, int, int]:
    return tuple(round(x + (y - x) * share) for x, y in zip(a, b, strict=True))


def _skyline(draw, rng, width, height, ink, light):
    x = 0
    while x < width:
        w = rng.randint(50, 130)
        top = rng.randint(height // 4, height - 120)
        draw.rectangle([x, top, x + w - 8, height], fill=ink)
        for wy in range(top + 16, height - 20, 28):
            for wx in range(x + 10, x + w - 22, 22):
                if rng.random() < 0.45:
                    draw.rectangle([wx, wy, wx + 8, wy + 12], fill=light)
        x += w


def _circuit(draw, rng, width, height, ink, light):
    step = 80
    for _ in range(34):
        x, y = rng.randrange(0, width, step), rng.randrange(0, height, step)
        for _ in range(rng.randint(2, 5)):
            dx, dy = rng.choice([(step, 0), (0, step), (-step, 0), (0, -step)])
            draw.line([x, y, x + dx, y + dy], fill=ink, width=6)
            x, y = x + dx, y + dy
        draw.ellipse([x - 12, y - 12, x + 12, y + 12], fill=light, outline=ink, width=5)


def _chart(draw, rng, width, height, ink, light):
    bars, gap = 12, 24
    bar = (width - gap * (bars + 1)) // bars
    level = height * 0.2
    points = []
    for n in range(bars):
        level = min(height * 0.85, level + rng.uniform(0, height * 0.09))
        x = gap + n * (bar + gap)
        draw.rectangle([x, height - level, x + bar, height], fill=ink)
        points.append((x + bar / 2, height - level - 30))
    draw.line(points, fill=light, width=8, joint="curve")


def _waves(draw, rng, width, height, ink, light):
    for n in range(9):
        base = height * (0.15 + n * 0.09)
        amplitude, phase = rng.uniform(20, 60), rng.uniform(0, math.tau)
        points = [
            (x, base + amplitude * math.sin(x / 110 + phase + n / 2))
            for x in range(0, width + 20, 20)
        ]
        draw.line(points, fill=light if n % 3 == 0 else ink, width=7)


def _orbits(draw, rng, width, height, ink, light):
    cx, cy = width * rng.uniform(0.35, 0.65), height * rng.uniform(0.4, 0.6)
    for r in range(60, 900, 70):
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], outline=ink, width=6)
    for _ in range(7):
        r, angle = rng.randrange(130, 900, 70), rng.uniform(0, math.tau)
        x, y = cx + r * math.cos(angle), cy + r * math.sin(angle)
        draw.ellipse([x - 18, y - 18, x + 18, y + 18], fill=light)
    draw.ellipse([cx - 40, cy - 40, cx + 40, cy + 40], fill=light)


MOTIFS = {
    "skyline": _skyline,
    "circuit": _circuit,
    "chart": _chart,
    "waves": _waves,
    "orbits": _orbits,
}


def draw_picture(motif: str, colour: str, seed: str) -> bytes:
    """A JPEG of SIZE: motif over a gradient of colour; the same for the same seed."""
    base = _rgb(colour)
    dark, pale = _mix(base, (0, 0, 0), 0.55), _mix(base, (255, 255, 255), 0.35)
    gradient = Image.linear_gradient("L").resize(SIZE)
    image = ImageOps.colorize(gradient, black=pale, white=dark)
    draw = ImageDraw.Draw(image)
    ink, light = _mix(base, (0, 0, 0), 0.7), _mix(base, (255, 255, 255), 0.75)
    MOTIFS[motif](draw, random.Random(seed), *SIZE, ink, light)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue()
