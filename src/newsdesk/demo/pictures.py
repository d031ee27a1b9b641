"""The demo articles' lead images: a drawn scene fitting the event (a probe at an asteroid, houses after an
earthquake, a government building, a stadium at night…), at the size of an og:image, the same every time
for an article and different between articles."""

from __future__ import annotations

import functools
import hashlib
import math
import re

import numpy as np

from newsdesk.demo.canvas import Canvas, Colour, mix

WIDTH, HEIGHT = 1200, 630

# The scene of an event: the first whose words occur in its id or description.
THEMES: list[tuple[str, tuple[str, ...]]] = [
    ("space", ("probe", "orbit", "asteroid", "spacecraft", "satellite", "rocket")),
    ("coast", ("tsunami", "offshore", "coast", "coastal", "harbour")),
    ("quake", ("quake", "earthquake", "tremor", "séisme")),
    ("breach", ("breach", "hack", "hackers", "stolen", "cyberattack")),
    ("politics", ("resign", "resigns", "minister", "parliament", "election", "government")),
    ("sport", ("cup", "match", "final", "league", "football", "semi")),
    ("river", ("river", "accord", "flood", "treaty")),
    ("city", ("merger", "shares", "market", "telecom", "bank", "deal")),
]

SKIES: dict[str, list[tuple[float, Colour]]] = {
    "night": [(0.0, (0.02, 0.03, 0.09)), (0.7, (0.07, 0.10, 0.22)), (1.0, (0.17, 0.19, 0.33))],
    "dawn": [(0.0, (0.22, 0.32, 0.58)), (0.6, (0.78, 0.62, 0.64)), (1.0, (1.0, 0.80, 0.55))],
    "day": [(0.0, (0.20, 0.45, 0.80)), (1.0, (0.74, 0.87, 0.97))],
    "dusk": [(0.0, (0.13, 0.11, 0.33)), (0.55, (0.60, 0.31, 0.42)), (1.0, (0.98, 0.58, 0.30))],
}
# What the light of each time of day does to the land: mixed towards this colour by this much.
SHADES: dict[str, tuple[Colour, float]] = {
    "night": ((0.04, 0.06, 0.14), 0.68), "dawn": ((0.55, 0.38, 0.42), 0.25),
    "day": ((1.0, 1.0, 1.0), 0.0), "dusk": ((0.40, 0.20, 0.28), 0.35),
}


def theme_of(subject: str) -> str:
    words = set(re.findall(r"\w+", subject.lower()))
    for theme, keywords in THEMES:
        if words & set(keywords):
            return theme
    return "landscape"


def time_of_day(hour: int) -> str:
    if 5 <= hour < 8:
        return "dawn"
    if 8 <= hour < 17:
        return "day"
    if 17 <= hour < 20:
        return "dusk"
    return "night"


@functools.lru_cache(maxsize=256)
def lead_image(key: str, subject: str, hour: int) -> bytes:
    """A WIDTH x HEIGHT PNG for the article `key` about `subject` (an event's id and description), lit for
    the `hour` (0-23) it was published."""
    seed = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big")
    scene = Scene(np.random.default_rng(seed), time_of_day(hour))
    getattr(scene, theme_of(subject))()
    return scene.canvas.png()


class Scene:
    """One picture in the making: an article's random choices and the light of its hour, with a method per
    kind of scene (the names in THEMES, and "landscape")."""

    def __init__(self, rng: np.random.Generator, time: str):
        self.rng = rng
        self.time = time
        self.canvas = Canvas(WIDTH, HEIGHT)

    def lit(self, colour: Colour) -> Colour:
        """A colour of the land or of a building as the time of day shows it."""
        towards, amount = SHADES[self.time]
        return mix(colour, towards, amount)

    def pick(self, low: float, high: float) -> float:
        return float(self.rng.uniform(low, high))

    def profile(self, base: float, amplitude: float, waves: int = 3) -> np.ndarray:
        x = np.arange(WIDTH, dtype=np.float32) / WIDTH
        curve = np.full(WIDTH, base, np.float32)
        for _ in range(waves):
            frequency, phase = self.pick(0.6, 3.5), self.pick(0, 2 * math.pi)
            curve += amplitude / waves * np.sin(2 * math.pi * frequency * x + phase) * self.pick(0.5, 1.5)
        return curve

    # -- skies --------------------------------------------------------------------------------------------

    def sky(self, horizon: float) -> None:
        c = self.canvas
        c.gradient(SKIES[self.time], 0, horizon)
        c.box(-2, horizon, WIDTH + 2, HEIGHT + 2, SKIES[self.time][-1][1])
        if self.time == "night":
            count = 220
            c.specks(self.rng.uniform(0, WIDTH, count), self.rng.uniform(0, horizon * 0.9, count),
                     self.rng.uniform(0.2, 0.9, count).astype(np.float32), (1.0, 1.0, 0.95))
            x, y = self.pick(0.12, 0.88) * WIDTH, self.pick(0.12, 0.3) * HEIGHT
            c.glow(x, y, 170, (0.75, 0.8, 0.95), 0.22)
            c.disc(x, y, 30, (0.94, 0.93, 0.86))
            for _ in range(3):
                c.disc(x + self.pick(-14, 12), y + self.pick(-14, 12), self.pick(5, 9), (0.72, 0.72, 0.68), 0.5)
            return
        if self.time == "day":
            x, y, r = self.pick(0.1, 0.9) * WIDTH, self.pick(0.1, 0.28) * HEIGHT, 42
            c.glow(x, y, 260, (1.0, 0.96, 0.82), 0.45)
            c.disc(x, y, r, (1.0, 0.98, 0.88))
        else:
            x, y, r = self.pick(0.15, 0.85) * WIDTH, horizon - self.pick(10, 70), 58
            c.glow(x, y, 420, (1.0, 0.72, 0.42), 0.55)
            c.disc(x, y, r, (1.0, 0.86, 0.6))
        for _ in range(int(self.rng.integers(2, 5))):
            self.cloud(self.pick(0.05, 0.95) * WIDTH, self.pick(0.08, 0.45) * horizon, self.pick(0.7, 1.3))

    def cloud(self, x: float, y: float, scale: float) -> None:
        colour = {"day": (1.0, 1.0, 1.0), "dawn": (1.0, 0.86, 0.82), "dusk": (0.98, 0.72, 0.62)}[self.time]
        alpha = 0.88 if self.time == "day" else 0.7
        width = 150 * scale
        for i in range(6):
            t = i / 5
            r = (26 + 22 * math.sin(math.pi * t)) * scale * self.pick(0.8, 1.15)
            self.canvas.disc(x - width / 2 + width * t, y - r * 0.35, r, colour, alpha)
        self.canvas.box(x - width / 2, y - 8 * scale, x + width / 2, y + 14 * scale, colour, radius=10 * scale,
                        alpha=alpha)

    def hills(self, horizon: float) -> tuple[np.ndarray, np.ndarray]:
        """Far and near hills down to the bottom edge; returns the near hills' top and the ground's."""
        c = self.canvas
        haze = SKIES[self.time][-1][1]
        far = self.profile(horizon - 40, 70)
        near = self.profile(horizon + 10, 60)
        ground = self.profile(horizon + 90, 30, waves=2)
        c.below(far, self.lit(mix((0.36, 0.52, 0.50), haze, 0.45)), y1=float(near.max()) + 2)
        c.below(near, self.lit((0.32, 0.55, 0.30)), y1=float(ground.max()) + 2)
        depth = np.clip((np.arange(HEIGHT) - horizon) / 250, 0.0, 1.0)
        shade = np.array([self.lit(mix((0.24, 0.46, 0.22), (0.16, 0.33, 0.15), float(d))) for d in depth],
                         np.float32)
        c.below(ground, shade)
        return near, ground

    def tree(self, x: float, y: float, scale: float) -> None:
        c = self.canvas
        c.line(x, y, x, y - 40 * scale, 8 * scale, self.lit((0.30, 0.21, 0.14)))
        leaf = self.lit(mix((0.13, 0.36, 0.16), (0.22, 0.48, 0.2), self.pick(0, 1)))
        for dx, dy, r in ((0, -62, 30), (-18, -48, 22), (18, -46, 24), (0, -84, 20)):
            c.disc(x + dx * scale, y + dy * scale, r * scale, leaf)

    # -- scenes -------------------------------------------------------------------------------------------

    def landscape(self) -> None:
        horizon = self.pick(0.5, 0.62) * HEIGHT
        self.sky(horizon)
        _, ground = self.hills(horizon)
        for _ in range(int(self.rng.integers(3, 7))):
            x = self.pick(0.03, 0.97) * WIDTH
            self.tree(x, float(ground[int(x)]) + self.pick(20, 120), self.pick(0.8, 1.6))

    def river(self) -> None:
        c = self.canvas
        horizon = self.pick(0.5, 0.58) * HEIGHT
        self.sky(horizon)
        near, _ = self.hills(horizon)
        start = int(horizon + 25)
        rows = HEIGHT - start
        t = np.arange(rows, dtype=np.float32) / rows
        source, phase = self.pick(0.3, 0.7) * WIDTH, self.pick(0, 2 * math.pi)
        centres = source + (WIDTH * 0.5 - source) * t + 90 * t * np.sin(3.5 * t + phase)
        half_widths = 5 + 300 * t ** 1.7
        sky_low = SKIES[self.time][-1][1]
        water = np.zeros((HEIGHT, 3), np.float32)
        water[start:] = [mix(mix(sky_low, (0.20, 0.42, 0.62), 0.35), (0.12, 0.30, 0.50), float(v)) for v in t]
        c.band(start, centres, half_widths, water)
        for _ in range(14):      # ripples catching the light
            row = int(self.rng.integers(int(rows * 0.3), rows))
            x = float(centres[row]) + self.pick(-0.6, 0.6) * float(half_widths[row])
            length = 8 + 40 * row / rows
            c.line(x - length, start + row, x + length, start + row, 2.5, mix(sky_low, (1, 1, 1), 0.4), 0.6)
        self.bridge(start, centres, half_widths)

    def bridge(self, start: int, centres: np.ndarray, half_widths: np.ndarray) -> None:
        c = self.canvas
        row = int(len(centres) * self.pick(0.45, 0.6))
        y, x, span = start + row, float(centres[row]), float(half_widths[row]) + 60
        stone = self.lit((0.66, 0.60, 0.52))
        dark = self.lit((0.42, 0.38, 0.33))
        c.ring(x, y + 4, span * 0.55, 16, stone, squash=0.55, start=-math.pi, end=0)
        for side in (-1, 1):
            c.box(x + side * span * 0.55 - 12, y - 4, x + side * span * 0.55 + 12, y + 26, dark)
        c.box(x - span, y - 22, x + span, y - 4, stone)
        c.box(x - span, y - 4, x + span, y + 2, dark)
        flags = (((0.10, 0.26, 0.56), (0.96, 0.96, 0.96)), ((0.12, 0.45, 0.28), (0.95, 0.78, 0.2)))
        for side, flag in zip((-1, 1), flags):
            pole = x + side * (span - 14)
            c.line(pole, y - 22, pole, y - 96, 3, (0.25, 0.25, 0.27))
            c.box(pole, y - 96, pole + 44, y - 80, self.lit(flag[0]))
            c.box(pole, y - 80, pole + 44, y - 68, self.lit(flag[1]))

    def quake(self) -> None:
        c = self.canvas
        horizon = self.pick(0.5, 0.56) * HEIGHT
        self.sky(horizon)
        haze = SKIES[self.time][-1][1]
        street = horizon + 130
        c.below(self.profile(horizon - 30, 60), self.lit(mix((0.36, 0.46, 0.44), haze, 0.4)), y1=horizon + 40)
        c.below(self.profile(horizon + 20, 14), self.lit((0.36, 0.48, 0.28)), y1=street)
        c.box(-2, street, WIDTH + 2, HEIGHT + 2, self.lit((0.44, 0.42, 0.40)))
        c.box(-2, street - 6, WIDTH + 2, street + 4, self.lit((0.62, 0.60, 0.56)))
        walls = [(0.93, 0.86, 0.70), (0.80, 0.86, 0.90), (0.90, 0.74, 0.62), (0.84, 0.88, 0.74),
                 (0.95, 0.92, 0.86)]
        x = self.pick(-60, 10)
        fallen = int(self.rng.integers(1, 4))
        for index in range(8):
            width = self.pick(120, 170)
            if x > WIDTH:
                break
            tilt = 0.0 if index != fallen else self.pick(0.09, 0.16) * (1 if self.rng.random() < 0.5 else -1)
            if index == fallen + 2:
                tilt = self.pick(-0.06, 0.06)
            self.house(x + width / 2, street, width, self.pick(95, 150), walls[index % len(walls)], tilt)
            x += width + self.pick(14, 40)
        self.crack(street)
        dust = self.lit((0.72, 0.64, 0.52))
        for _ in range(7):
            c.glow(self.pick(0, WIDTH), street - self.pick(0, 50), self.pick(90, 200), dust, 0.35)
        if self.time in ("night", "dusk"):
            x = self.pick(0.2, 0.8) * WIDTH
            c.glow(x, street + 40, 140, (1.0, 0.2, 0.15), 0.55)
            c.glow(x + 60, street + 40, 140, (0.2, 0.4, 1.0), 0.55)

    def house(self, x: float, ground: float, width: float, height: float, wall: Colour, tilt: float) -> None:
        c = self.canvas
        pivot = (x + (width / 2 if tilt > 0 else -width / 2), ground)

        def turned(points):
            cos, sin = math.cos(tilt), math.sin(tilt)
            px, py = pivot
            return [(px + (u - px) * cos - (v - py) * sin, py + (u - px) * sin + (v - py) * cos)
                    for u, v in points]

        left, right, top = x - width / 2, x + width / 2, ground - height
        c.polygon(turned([(left, ground), (right, ground), (right, top), (left, top)]), self.lit(wall))
        roof = self.lit(mix((0.55, 0.20, 0.16), (0.30, 0.22, 0.20), self.pick(0, 1)))
        c.polygon(turned([(left - 12, top + 2), (right + 12, top + 2), (x, top - height * 0.45)]), roof)
        lamp = (0.99, 0.84, 0.45) if self.time in ("night", "dusk") else self.lit((0.50, 0.66, 0.80))
        frame = self.lit((0.35, 0.30, 0.28))
        for row in range(2):
            for col in (-1, 1):
                wx, wy = x + col * width * 0.24, top + height * (0.2 + 0.38 * row)
                c.polygon(turned([(wx - 17, wy), (wx + 17, wy), (wx + 17, wy + 26), (wx - 17, wy + 26)]), frame)
                c.polygon(turned([(wx - 14, wy + 3), (wx + 14, wy + 3), (wx + 14, wy + 23), (wx - 14, wy + 23)]),
                          lamp if self.rng.random() < 0.7 else frame)
        c.polygon(turned([(x - 14, ground), (x + 14, ground), (x + 14, ground - 48), (x - 14, ground - 48)]),
                  self.lit((0.40, 0.27, 0.20)))

    def crack(self, street: float) -> None:
        c = self.canvas
        x, y = self.pick(0.3, 0.7) * WIDTH, HEIGHT + 10.0
        width = 22.0
        dark = (0.10, 0.08, 0.07)
        while y > street + 6 and width > 2:
            nx, ny = x + self.pick(-70, 70), y - self.pick(30, 60)
            c.line(x, y, nx, ny, width, dark)
            if self.rng.random() < 0.4:
                c.line(nx, ny, nx + self.pick(-90, 90), ny + self.pick(-10, 30), width * 0.4, dark)
            x, y, width = nx, ny, width * 0.72

    def coast(self) -> None:
        c = self.canvas
        horizon = self.pick(0.46, 0.52) * HEIGHT
        self.sky(horizon)
        sky_low = SKIES[self.time][-1][1]
        c.gradient([(0.0, self.lit(mix(sky_low, (0.16, 0.38, 0.52), 0.55))), (1.0, self.lit((0.04, 0.20, 0.32)))],
                   horizon, HEIGHT)
        left = self.rng.random() < 0.5
        x = np.arange(WIDTH, dtype=np.float32)
        reach = WIDTH * self.pick(0.4, 0.5)
        t = np.clip((x if left else WIDTH - x) / reach, 0, 1)
        land = (horizon + 24 - (1 - t) ** 0.7 * self.pick(130, 170)).astype(np.float32)
        c.below(land, self.lit((0.36, 0.50, 0.30)), y1=horizon + 24)
        c.below(land + 22, self.lit((0.46, 0.40, 0.33)), y1=horizon + 24)
        walls = [(0.95, 0.92, 0.86), (0.93, 0.86, 0.70), (0.84, 0.88, 0.92)]
        for k in range(6):
            hx = reach * (0.06 + 0.1 * k)
            hx = hx if left else WIDTH - hx
            base = float(land[int(hx)]) + 8
            c.box(hx - 20, base - 34, hx + 20, base, self.lit(walls[k % 3]))
            c.polygon([(hx - 25, base - 33), (hx + 25, base - 33), (hx, base - 54)], self.lit((0.60, 0.24, 0.18)))
            c.box(hx - 6, base - 24, hx + 6, base - 14, (0.99, 0.84, 0.45) if self.time == "night" else
                  self.lit((0.45, 0.6, 0.75)))
        tip = reach * 0.78
        tip = tip if left else WIDTH - tip
        self.lighthouse(tip, float(land[int(tip)]) + 6)
        crest = mix(sky_low, (1.0, 1.0, 1.0), 0.45)
        for _ in range(70):
            y = self.pick(horizon + 26, HEIGHT - 60)
            length = 6 + 50 * (y - horizon) / (HEIGHT - horizon)
            x0 = self.pick(0, WIDTH)
            c.line(x0 - length, y, x0 + length, y, 1.5 + 2 * (y - horizon) / (HEIGHT - horizon), crest, 0.35)
        boat = self.pick(0.55, 0.8) if left else self.pick(0.2, 0.45)
        self.boat(boat * WIDTH, horizon + self.pick(50, 110))
        promenade = HEIGHT - 58
        c.box(-2, promenade, WIDTH + 2, HEIGHT + 2, self.lit((0.62, 0.60, 0.56)))
        c.box(-2, promenade, WIDTH + 2, promenade + 8, self.lit((0.78, 0.76, 0.72)))
        rail = self.lit((0.30, 0.34, 0.40))
        c.line(-2, promenade - 34, WIDTH + 2, promenade - 34, 4, rail)
        c.line(-2, promenade - 17, WIDTH + 2, promenade - 17, 3, rail)
        for k in range(0, WIDTH + 60, 60):
            c.line(k, promenade, k, promenade - 36, 4, rail)
        self.warning_sign(WIDTH * (0.84 if left else 0.16), promenade + 20)

    def lighthouse(self, x: float, base: float) -> None:
        c = self.canvas
        top = base - 150
        white, red = self.lit((0.96, 0.95, 0.92)), self.lit((0.80, 0.16, 0.14))
        c.polygon([(x - 20, base), (x + 20, base), (x + 13, top), (x - 13, top)], white)
        for k in range(3):
            y0, y1 = base - 30 - 45 * k, base - 52 - 45 * k
            w0, w1 = 20 - 7 * (base - y0) / 150, 20 - 7 * (base - y1) / 150
            c.polygon([(x - w0, y0), (x + w0, y0), (x + w1, y1), (x - w1, y1)], red)
        c.box(x - 18, top - 4, x + 18, top + 2, self.lit((0.2, 0.2, 0.22)))
        lamp = (1.0, 0.92, 0.6) if self.time != "day" else self.lit((0.7, 0.8, 0.85))
        c.box(x - 11, top - 26, x + 11, top - 4, lamp)
        c.disc(x, top - 28, 13, red, squash=0.7)
        if self.time != "day":
            c.glow(x, top - 15, 160, (1.0, 0.9, 0.6), 0.6)

    def boat(self, x: float, y: float) -> None:
        c = self.canvas
        c.polygon([(x - 40, y - 14), (x + 44, y - 14), (x + 30, y), (x - 30, y)], self.lit((0.75, 0.2, 0.16)))
        c.box(x - 12, y - 30, x + 14, y - 14, self.lit((0.95, 0.95, 0.92)))
        c.line(x - 40, y + 3, x + 40, y + 3, 2, mix(SKIES[self.time][-1][1], (1, 1, 1), 0.4), 0.5)

    def warning_sign(self, x: float, ground: float) -> None:
        c = self.canvas
        c.line(x, ground, x, ground - 150, 8, self.lit((0.55, 0.56, 0.58)))
        y = ground - 210
        c.polygon([(x - 78, y + 68), (x + 78, y + 68), (x, y - 68)], (0.1, 0.1, 0.1))
        c.polygon([(x - 64, y + 60), (x + 64, y + 60), (x, y - 52)], self.lit((0.98, 0.80, 0.12)))
        for k in range(2):
            c.ring(x - 14, y + 38 - 18 * k, 20, 5, (0.1, 0.1, 0.1), start=-math.pi, end=-0.2)
            c.ring(x + 26, y + 38 - 18 * k, 20, 5, (0.1, 0.1, 0.1), start=-math.pi, end=-0.2)

    def space(self) -> None:
        c = self.canvas
        c.gradient([(0.0, (0.01, 0.01, 0.04)), (1.0, (0.05, 0.04, 0.13))])
        for colour in ((0.40, 0.16, 0.50), (0.10, 0.32, 0.48), (0.50, 0.20, 0.30)):
            c.glow(self.pick(0, WIDTH), self.pick(0, HEIGHT), self.pick(280, 480), colour, 0.35)
        count = 420
        c.specks(self.rng.uniform(0, WIDTH, count), self.rng.uniform(0, HEIGHT, count),
                 self.rng.uniform(0.15, 1.0, count).astype(np.float32), (1.0, 1.0, 1.0))
        for _ in range(10):
            x, y = self.pick(0, WIDTH), self.pick(0, HEIGHT)
            c.glow(x, y, 9, (0.9, 0.95, 1.0), 0.8)
            c.disc(x, y, 1.6, (1.0, 1.0, 1.0))
        sun_x = -80.0 if self.rng.random() < 0.5 else WIDTH + 80.0
        sun_y = self.pick(-60, 200)
        c.glow(sun_x, sun_y, 620, (1.0, 0.86, 0.62), 0.55)
        c.glow(sun_x, sun_y, 200, (1.0, 0.95, 0.85), 0.9)

        ax = WIDTH * (0.65 if sun_x < 0 else 0.35) + self.pick(-60, 60)
        ay, r = HEIGHT * self.pick(0.55, 0.68), self.pick(190, 235)
        distance = math.hypot(sun_x - ax, sun_y - ay)
        light = ((sun_x - ax) / distance, (sun_y - ay) / distance)
        c.ring(ax, ay, r * 1.75, 2, (0.6, 0.7, 0.9), squash=0.28, alpha=0.35)
        wobble = [(k, self.pick(0.01, 0.1) / k ** 0.5, self.pick(0, 2 * math.pi)) for k in (2, 3, 5, 7)]
        c.blob(ax, ay, r, wobble, (0.62, 0.56, 0.50), light=light, shadow=0.88)
        for _ in range(11):
            angle, distance = self.pick(0, 2 * math.pi), r * math.sqrt(self.pick(0, 0.55))
            x, y = ax + distance * math.cos(angle), ay + distance * math.sin(angle)
            facing = 0.5 + 0.5 * ((x - ax) * light[0] + (y - ay) * light[1]) / r
            size = self.pick(8, 30)
            c.disc(x, y, size, (0.18, 0.16, 0.14), 0.35 + 0.2 * facing)
            c.disc(x - light[0] * size * 0.25, y - light[1] * size * 0.25, size * 0.7,
                   (0.75, 0.70, 0.64), 0.22 * facing)
        self.probe(WIDTH * (0.2 if ax > WIDTH / 2 else 0.8) + self.pick(-30, 30), HEIGHT * self.pick(0.22, 0.34),
                   self.pick(-0.4, 0.4))

    def probe(self, x: float, y: float, angle: float) -> None:
        c = self.canvas
        cos, sin = math.cos(angle), math.sin(angle)

        def at(u: float, v: float) -> tuple[float, float]:
            return x + u * cos - v * sin, y + u * sin + v * cos

        panel = (0.16, 0.24, 0.50)
        for side in (-1, 1):
            c.line(*at(side * 20, 0), *at(side * 60, 0), 3, (0.7, 0.7, 0.72))
            px, py = at(side * 105, 0)
            c.box(px - 55, py - 20, px + 55, py + 20, (0.55, 0.58, 0.65), angle=angle)
            c.box(px - 52, py - 17, px + 52, py + 17, panel, angle=angle)
            for k in (-1, 0, 1):
                c.line(*at(side * 105 + k * 26, -17), *at(side * 105 + k * 26, 17), 1.2, (0.45, 0.55, 0.8))
        c.box(x - 22, y - 19, x + 22, y + 19, (0.86, 0.68, 0.28), angle=angle, radius=3)
        c.box(x - 22, y + 4, x + 22, y + 19, (0.70, 0.52, 0.20), angle=angle, radius=3, alpha=0.6)
        dx, dy = at(0, -34)
        c.line(*at(0, -19), dx, dy, 3, (0.75, 0.75, 0.78))
        c.disc(dx, dy, 24, (0.92, 0.92, 0.94), squash=0.42)
        c.line(dx, dy, *at(0, -58), 2, (0.85, 0.85, 0.88))

    def politics(self) -> None:
        c = self.canvas
        horizon = self.pick(0.8, 0.84) * HEIGHT
        self.sky(horizon)
        c.gradient([(0.0, self.lit((0.72, 0.69, 0.63))), (1.0, self.lit((0.56, 0.53, 0.48)))], horizon, HEIGHT)
        stone, shadow = self.lit((0.92, 0.88, 0.80)), self.lit((0.74, 0.70, 0.63))
        centre = WIDTH * self.pick(0.44, 0.56)
        half = WIDTH * self.pick(0.24, 0.29)
        floor = horizon - 24
        top = floor - self.pick(120, 140)
        apex = top - 70
        dome = self.pick(62, 78)
        drum_top = apex - 30
        c.disc(centre, drum_top, dome, self.lit((0.50, 0.64, 0.60)))
        c.ring(centre, drum_top, dome - 14, 3, self.lit((0.42, 0.55, 0.52)), start=-math.pi, end=0)
        c.box(centre - 10, drum_top - dome - 26, centre + 10, drum_top - dome + 4, stone)
        c.disc(centre, drum_top - dome - 28, 11, self.lit((0.50, 0.64, 0.60)), squash=0.8)
        c.box(centre - dome - 10, drum_top, centre + dome + 10, top, stone)
        for i in range(-3, 4):
            c.box(centre + i * dome / 3.4 - 5, drum_top + 10, centre + i * dome / 3.4 + 5, drum_top + 42, shadow)
        pole_top = drum_top - dome - 100
        c.line(centre, drum_top - dome - 36, centre, pole_top, 4, (0.3, 0.3, 0.32))
        flag = [(0.10, 0.26, 0.56), (0.96, 0.96, 0.96), (0.78, 0.16, 0.18), (0.12, 0.45, 0.28), (0.95, 0.78, 0.2)]
        first, second = self.rng.choice(len(flag), 2, replace=False)
        c.box(centre + 2, pole_top, centre + 66, pole_top + 20, self.lit(flag[first]))
        c.box(centre + 2, pole_top + 20, centre + 66, pole_top + 40, self.lit(flag[second]))
        for step in range(3):
            c.box(centre - half - 40 + step * 14, floor + step * 8, centre + half + 40 - step * 14,
                  floor + step * 8 + 8, shadow if step % 2 else stone)
        c.box(centre - half, top, centre + half, floor, shadow)
        columns = 8
        pitch = 2 * half / columns
        for i in range(columns):
            cx = centre - half + pitch * (i + 0.5)
            c.box(cx - 13, top + 14, cx + 13, floor, stone)
            c.box(cx + 4, top + 14, cx + 13, floor, shadow, alpha=0.55)
            c.box(cx - 18, top + 6, cx + 18, top + 16, stone)
            c.box(cx - 18, floor - 8, cx + 18, floor, stone)
        c.box(centre - pitch * 0.4, floor - 72, centre + pitch * 0.4, floor, self.lit((0.25, 0.20, 0.18)))
        c.box(centre - half - 14, top - 22, centre + half + 14, top + 6, stone)
        c.box(centre - half - 14, top - 2, centre + half + 14, top + 6, shadow)
        c.polygon([(centre - half - 18, top - 22), (centre + half + 18, top - 22), (centre, apex)], stone)
        c.polygon([(centre - half + 34, top - 28), (centre + half - 34, top - 28), (centre, apex + 14)], shadow)
        for side in (-1, 1):
            for k in range(2):
                self.tree(centre + side * (half + 80 + 120 * k) + self.pick(-20, 20), horizon + 10 + 40 * k,
                          self.pick(1.4, 1.9))

    def city(self) -> None:
        c = self.canvas
        horizon = self.pick(0.78, 0.84) * HEIGHT
        self.sky(horizon)
        haze = SKIES[self.time][-1][1]
        x = -20.0
        while x < WIDTH:
            width = self.pick(50, 110)
            c.box(x, horizon - self.pick(90, horizon - 150), x + width, horizon,
                  self.lit(mix((0.42, 0.48, 0.58), haze, 0.45)))
            x += width + self.pick(-10, 6)
        night = self.time in ("night", "dusk")
        x = self.pick(-60, -10)
        tallest = (0.0, 0.0, HEIGHT)
        while x < WIDTH:
            width, height = self.pick(90, 170), self.pick(130, horizon - 220)
            top = horizon - height
            body = self.lit(mix((0.30, 0.36, 0.46), (0.55, 0.58, 0.62), self.pick(0, 1)))
            c.box(x, top, x + width, horizon + 2, body)
            columns, rows = int((width - 16) // 18), int((height - 20) // 24)
            if columns > 0 and rows > 0:
                lit = self.rng.random((rows, columns)) < (0.55 if night else 0.0)
                glass = np.where(lit[..., None], np.array((1.0, 0.85, 0.5), np.float32),
                                 np.array(self.lit(mix(body, (0.75, 0.85, 0.95), 0.45)), np.float32))
                c.lattice(x + 10 + (width - 16 - columns * 18) / 2, top + 14, (18, 24), (10, 14), glass)
            if top < tallest[2]:
                tallest = (x, width, top)
            x += width + self.pick(6, 26)
        self.mast(tallest[0] + tallest[1] / 2, tallest[2])
        c.box(-2, horizon, WIDTH + 2, HEIGHT + 2, self.lit((0.22, 0.23, 0.26)))
        for k in range(0, WIDTH, 90):
            c.box(k, horizon + 40, k + 50, horizon + 46, self.lit((0.85, 0.82, 0.6)))

    def mast(self, x: float, base: float) -> None:
        c = self.canvas
        steel = self.lit((0.78, 0.30, 0.26))
        top = base - 120
        c.line(x - 16, base, x, top, 4, steel)
        c.line(x + 16, base, x, top, 4, steel)
        for k in range(1, 5):
            y = base - 24 * k
            half = 16 * (y - top) / (base - top)
            c.line(x - half, y, x + half, y - 12, 2, steel)
        c.disc(x, top, 6, (1.0, 0.3, 0.25))
        c.glow(x, top, 40, (1.0, 0.3, 0.25), 0.6)
        signal = (1.0, 1.0, 1.0) if self.time != "day" else (0.95, 0.97, 1.0)
        for k in range(1, 4):
            for start in (-0.55, math.pi - 0.55):
                c.ring(x, top, 22 * k + 8, 4, signal, start=start, end=start + 1.1, alpha=0.85 - 0.2 * k)

    def sport(self) -> None:
        c = self.canvas
        self.time = "night"      # a cup tie under floodlights, whatever the hour of the report
        stand_top, pitch_top = HEIGHT * 0.30, HEIGHT * 0.50
        c.gradient(SKIES["night"], 0, stand_top)
        c.box(-2, stand_top, WIDTH + 2, pitch_top, (0.10, 0.10, 0.14))
        rows, columns = int((pitch_top - stand_top - 20) // 7), WIDTH // 7
        palette = np.array([(0.75, 0.12, 0.15), (0.15, 0.30, 0.70), (0.85, 0.85, 0.85), (0.25, 0.25, 0.30),
                            (0.60, 0.45, 0.35)], np.float32)
        home = 0 if self.rng.random() < 0.5 else 1
        weights = np.array([0.45 if home == 0 else 0.15, 0.45 if home == 1 else 0.15, 0.12, 0.16, 0.12])
        crowd = palette[self.rng.choice(len(palette), (rows, columns), p=weights / weights.sum())]
        c.lattice(1, stand_top + 14, (7, 7), (5, 5), crowd * 0.8)
        c.box(-2, stand_top, WIDTH + 2, stand_top + 10, (0.20, 0.20, 0.24))
        c.box(-2, pitch_top - 10, WIDTH + 2, pitch_top, (0.16, 0.16, 0.2))
        for k in range(WIDTH // 160 + 1):
            c.box(k * 160 + 10, pitch_top - 9, k * 160 + 130, pitch_top - 2, (0.9, 0.9, 0.95) if k % 2 else
                  (0.85, 0.2, 0.2))
        stripes = 11
        for k in range(stripes):
            y0 = pitch_top + (HEIGHT - pitch_top) * (k / stripes) ** 1.3
            y1 = pitch_top + (HEIGHT - pitch_top) * ((k + 1) / stripes) ** 1.3
            c.box(-2, y0, WIDTH + 2, y1 + 1, (0.17, 0.50, 0.20) if k % 2 else (0.21, 0.58, 0.24))
        line = (0.93, 0.95, 0.92)
        c.line(-2, pitch_top + 14, WIDTH + 2, pitch_top + 14, 3, line)
        middle = WIDTH / 2 + self.pick(-120, 120)
        c.line(middle, pitch_top + 14, middle + 30, HEIGHT + 5, 4, line)
        c.ring(middle + 14, pitch_top + (HEIGHT - pitch_top) * 0.48, 170, 4, line, squash=0.32)
        c.disc(middle + 14, pitch_top + (HEIGHT - pitch_top) * 0.48, 5, line, squash=0.5)
        for tower in (WIDTH * 0.08, WIDTH * 0.92):
            top = HEIGHT * 0.05
            c.line(tower, stand_top + 10, tower, top + 40, 6, (0.25, 0.25, 0.28))
            lamps = np.full((3, 6, 3), (1.0, 0.98, 0.9), np.float32)
            c.box(tower - 52, top - 4, tower + 52, top + 42, (0.2, 0.2, 0.22))
            c.lattice(tower - 48, top, (16, 14), (13, 11), lamps)
            c.glow(tower, top + 20, 320, (1.0, 0.97, 0.85), 0.55)
        kits = [((0.85, 0.15, 0.18), (1, 1, 1)), ((0.95, 0.95, 0.95), (0.10, 0.20, 0.55))]
        for team, (shirt, shorts) in enumerate(kits):
            for _ in range(5):
                y = pitch_top + (HEIGHT - pitch_top) * self.pick(0.15, 0.9)
                scale = 0.6 + 0.9 * (y - pitch_top) / (HEIGHT - pitch_top)
                self.player(self.pick(0.1, 0.9) * WIDTH, y, scale, shirt, shorts)
        ball_y = pitch_top + (HEIGHT - pitch_top) * self.pick(0.4, 0.7)
        c.disc(self.pick(0.3, 0.7) * WIDTH, ball_y, 7, (0.98, 0.98, 0.98))

    def player(self, x: float, y: float, scale: float, shirt: Colour, shorts: Colour) -> None:
        c = self.canvas
        c.disc(x, y + 2, 16 * scale, (0.05, 0.12, 0.05), 0.35, squash=0.3)
        c.line(x - 5 * scale, y, x - 3 * scale, y - 26 * scale, 6 * scale, (0.9, 0.75, 0.6))
        c.line(x + 5 * scale, y, x + 3 * scale, y - 26 * scale, 6 * scale, (0.9, 0.75, 0.6))
        c.box(x - 9 * scale, y - 34 * scale, x + 9 * scale, y - 22 * scale, shorts, radius=2 * scale)
        c.box(x - 10 * scale, y - 60 * scale, x + 10 * scale, y - 32 * scale, shirt, radius=4 * scale)
        c.disc(x, y - 68 * scale, 8 * scale, (0.85, 0.68, 0.52))

    def breach(self) -> None:
        c = self.canvas
        c.gradient([(0.0, (0.02, 0.05, 0.10)), (1.0, (0.03, 0.13, 0.18))])
        rows, columns = HEIGHT // 30 + 1, WIDTH // 40 + 1
        level = self.rng.uniform(0.35, 1.0, (rows, columns, 1)).astype(np.float32)
        tiles = level * np.array((0.07, 0.25, 0.32), np.float32)
        stolen = self.rng.random((rows, columns)) < 0.09
        tiles[stolen] = (0.85, 0.28, 0.22)
        c.lattice(4, 4, (40, 30), (32, 20), tiles, 0.9)
        x, y = WIDTH * self.pick(0.38, 0.62), HEIGHT * 0.58
        c.glow(x, y, 420, (0.02, 0.04, 0.08), 0.85)
        c.glow(x, y, 360, (0.9, 0.22, 0.2), 0.35)
        for _ in range(16):     # records streaming away
            row = y + self.pick(-150, 150)
            start = x + self.pick(140, 260)
            for k in range(5):
                c.box(start + k * 46, row, start + k * 46 + 30, row + 8, (0.95, 0.45, 0.35), alpha=0.7 - 0.13 * k)
        steel, body = (0.78, 0.80, 0.84), (0.95, 0.74, 0.30)
        c.ring(x - 40, y - 90, 68, 26, steel, start=-math.pi, end=0)
        c.line(x - 108, y - 90, x - 108, y - 40, 26, steel)
        c.line(x + 28, y - 90, x + 28, y - 62, 26, steel)
        c.box(x - 120, y - 50, x + 120, y + 130, body, radius=26)
        c.box(x - 120, y + 40, x + 120, y + 130, (0.80, 0.58, 0.20), radius=26, alpha=0.7)
        c.disc(x, y + 30, 20, (0.16, 0.10, 0.06))
        c.polygon([(x - 9, y + 36), (x + 9, y + 36), (x + 14, y + 82), (x - 14, y + 82)], (0.16, 0.10, 0.06))
