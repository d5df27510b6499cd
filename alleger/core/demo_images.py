"""Illustrations for the demo, drawn with Pillow in the platform's palette.

Nothing is downloaded and no binary is committed: each picture is a small flat
drawing (a bench, a tree pit in flower, a café front, a bike…) made from a scene
name and a seed, then passed through the upload pipeline (alleger.core.images)
like any photo a person would send. The same (scene, seed) always gives the same
picture; `demo_upload` keeps the encoded bytes so a scene is drawn once per run.
"""

import functools
import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from .images import image_clean

WIDTH, HEIGHT = 800, 450  # 16:9, the project cards' ratio
SCALE = 2  # drawn at twice the size, then reduced: smooth edges

# The palette of site.css, with a few friendly companions.
BRAND, BRAND_DARK, ACCENT, FOCUS = (31, 95, 74), (21, 63, 49), (179, 69, 31), (255, 191, 71)
SOFT, LINE, INK = (243, 246, 244), (205, 216, 211), (29, 42, 38)
LEAF, LEAF_LIGHT, WOOD, WOOD_DARK = (74, 140, 88), (122, 178, 110), (176, 124, 74), (120, 82, 50)
STONE, ASPHALT, SKY_DAY = (214, 206, 192), (92, 98, 102), (173, 214, 226)
PETALS = [(235, 96, 70), (255, 191, 71), (240, 140, 170), (250, 245, 235), (150, 110, 200), (255, 130, 40)]
SKIES = [((173, 214, 226), (236, 244, 240)), ((190, 220, 235), (250, 236, 214)), ((160, 200, 222), (226, 240, 236)),
         ((245, 200, 160), (252, 236, 214))]


#: Written into the raw drawing; never in a stored file (the upload pipeline strips it).
CREDIT = b"Drawn by the Alleger demo loader (alleger/core/demo_images.py), CC0"


class Canvas:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.image = Image.new("RGB", (WIDTH * SCALE, HEIGHT * SCALE))
        self.draw = ImageDraw.Draw(self.image)
        top, bottom = self.rng.choice(SKIES)
        for y in range(HEIGHT * SCALE):
            t = y / (HEIGHT * SCALE)
            self.draw.line([(0, y), (WIDTH * SCALE, y)], fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)))

    def _s(self, box):
        return [v * SCALE for v in box]

    def rect(self, box, fill, radius=0, outline=None, width=1):
        self.draw.rounded_rectangle(self._s(box), radius=radius * SCALE, fill=fill, outline=outline,
                                    width=width * SCALE)

    def ellipse(self, box, fill):
        self.draw.ellipse(self._s(box), fill=fill)

    def poly(self, points, fill):
        self.draw.polygon([(x * SCALE, y * SCALE) for x, y in points], fill=fill)

    def line(self, points, fill, width=4):
        self.draw.line([(x * SCALE, y * SCALE) for x, y in points], fill=fill, width=width * SCALE, joint="curve")

    def circle(self, x, y, r, fill=None, outline=None, width=1):
        self.draw.ellipse(self._s((x - r, y - r, x + r, y + r)), fill=fill, outline=outline, width=width * SCALE)

    # --- pieces of scenery ---------------------------------------------------

    def sun(self):
        x = self.rng.randint(560, 740)
        self.circle(x, 70, 34, fill=(255, 226, 150))
        for dx, w in ((-260, 90), (-80, 120)):
            cx = (x + dx) % 700 + 40
            self.ellipse((cx, 60, cx + w, 96), (255, 255, 255))
            self.ellipse((cx + w * .25, 42, cx + w * .75, 88), (255, 255, 255))

    def hills(self):
        self.poly([(0, 300), (160, 230), (330, 285), (520, 215), (800, 290), (800, 330), (0, 330)], (150, 190, 150))

    def houses(self, y=330):
        x = -10
        while x < WIDTH:
            w, h = self.rng.randint(90, 150), self.rng.randint(120, 210)
            colour = self.rng.choice([(236, 222, 200), (222, 206, 186), (240, 232, 214), (214, 196, 180)])
            self.rect((x, y - h, x + w, y), colour)
            self.poly([(x - 6, y - h), (x + w / 2, y - h - 30), (x + w + 6, y - h)], (166, 92, 68))
            for wy in range(y - h + 20, y - 40, 48):
                for wx in range(x + 16, x + w - 30, 38):
                    self.rect((wx, wy, wx + 22, wy + 30), (170, 200, 210), radius=2)
            x += w + self.rng.randint(0, 12)

    def pavement(self, y=330):
        self.rect((0, y, WIDTH, HEIGHT), STONE)
        self.rect((0, y, WIDTH, y + 8), LINE)
        for x in range(0, WIDTH, 80):
            self.line([(x, y + 8), (x - 30, HEIGHT)], (200, 192, 178), 2)

    def grass(self, y=330):
        self.rect((0, y, WIDTH, HEIGHT), LEAF_LIGHT)
        for _ in range(60):
            x, yy = self.rng.randint(0, WIDTH), self.rng.randint(y + 6, HEIGHT)
            self.line([(x, yy), (x + 3, yy - 9)], LEAF, 2)

    def tree(self, x, ground, size=1.0):
        self.rect((x - 9 * size, ground - 150 * size, x + 9 * size, ground), WOOD_DARK, radius=3)
        for dx, dy, r in ((-45, -170, 58), (40, -175, 55), (0, -215, 66), (-20, -150, 50), (30, -140, 48)):
            shade = self.rng.choice([LEAF, BRAND, (92, 158, 98)])
            self.circle(x + dx * size, ground + dy * size, r * size, fill=shade)

    def flowers(self, x1, x2, y, n=18):
        for _ in range(n):
            x, yy = self.rng.uniform(x1, x2), y - self.rng.uniform(0, 24)
            self.line([(x, y + 4), (x, yy)], LEAF, 2)
            self.circle(x, yy, self.rng.uniform(4, 7), fill=self.rng.choice(PETALS))

    def person(self, x, ground, colour, h=110):
        self.circle(x, ground - h + 12, 12, fill=(224, 172, 130))
        self.rect((x - 14, ground - h + 26, x + 14, ground - h * .42), colour, radius=8)
        self.line([(x - 7, ground - h * .42), (x - 9, ground)], INK, 6)
        self.line([(x + 7, ground - h * .42), (x + 9, ground)], INK, 6)

    def bench(self, x, ground, w=220):
        for dy in (-82, -64):
            self.rect((x, ground + dy, x + w, ground + dy + 12), WOOD, radius=3)
        self.rect((x - 6, ground - 46, x + w + 6, ground - 36), WOOD, radius=3)
        for lx in (x + 14, x + w - 24):
            self.rect((lx, ground - 90, lx + 10, ground), INK, radius=2)

    def bike(self, x, ground, colour=ACCENT):
        r = 34
        for cx in (x, x + 110):
            self.circle(cx, ground - r, r, outline=INK, width=5)
            self.circle(cx, ground - r, 4, fill=INK)
        pedal = (x + 48, ground - r)
        self.line([(x, ground - r), pedal, (x + 30, ground - 84), (x + 90, ground - 84), pedal], colour, 6)
        self.line([(x + 90, ground - 84), (x + 110, ground - r)], colour, 6)
        self.line([(x + 90, ground - 84), (x + 84, ground - 104), (x + 100, ground - 108)], INK, 5)
        self.rect((x + 18, ground - 96, x + 46, ground - 88), INK, radius=3)
        self.rect((x + 104, ground - 92, x + 140, ground - 72), WOOD, radius=3)  # a front basket

    def shop(self, x1, x2, ground, awning, sign_colour, goods=None):
        self.rect((x1, ground - 230, x2, ground), (240, 230, 212))
        self.rect((x1 + 20, ground - 150, x2 - 20, ground), (60, 80, 78))
        self.rect((x1 + 30, ground - 140, (x1 + x2) / 2 - 30, ground - 20), (200, 222, 226))
        self.rect(((x1 + x2) / 2 - 10, ground - 140, x2 - 30, ground), (150, 110, 80))
        stripes = 8
        step = (x2 - x1 + 20) / stripes
        for i in range(stripes):
            sx = x1 - 10 + i * step
            self.poly([(sx, ground - 190), (sx + step, ground - 190), (sx + step + 6, ground - 160),
                       (sx + 6, ground - 160)], awning if i % 2 == 0 else (250, 246, 236))
        self.rect((x1 + 40, ground - 222, x2 - 40, ground - 198), sign_colour, radius=4)
        if goods:
            for i in range(4):
                bx = x1 + 36 + i * 34
                self.rect((bx, ground - 30, bx + 28, ground - 4), WOOD, radius=2)
                for j in range(3):
                    self.circle(bx + 7 + j * 7, ground - 34, 6, fill=self.rng.choice(goods))

    def pit(self, x, ground, w=240):
        self.ellipse((x - w / 2, ground + 10, x + w / 2, ground + 60), (120, 86, 60))
        self.ellipse((x - w / 2 + 10, ground + 14, x + w / 2 - 10, ground + 54), (96, 68, 48))


def _scene(name: str, c: Canvas) -> None:  # noqa: C901 (a list of small drawings)
    g = 330
    c.sun()
    if name in ("bench", "picnic", "garden", "composter", "seedbombs", "map"):
        c.hills()
        c.grass(g)
        c.tree(120, g + 10, 1.1)
        c.tree(690, g + 20, .9)
    else:
        c.houses(g)
        c.pavement(g)
    if name == "bench":
        c.bench(290, g + 70)
        c.flowers(250, 560, g + 76, 24)
    elif name == "tree_pit":
        c.pit(400, g + 20)
        c.tree(400, g + 40, 1.2)
        c.flowers(300, 500, g + 56, 36)
        c.rect((260, g + 58, 540, g + 66), WOOD, radius=3)
    elif name == "cafe":
        c.shop(150, 650, g + 10, ACCENT, BRAND)
        for tx in (200, 560):
            c.rect((tx, g + 40, tx + 70, g + 48), INK, radius=3)
            c.rect((tx + 31, g + 48, tx + 39, g + 100), INK)
            c.circle(tx + 35, g + 32, 8, fill=(255, 255, 255))
        c.flowers(330, 470, g + 100, 14)
    elif name == "shop":
        c.shop(150, 650, g + 10, BRAND, ACCENT, goods=[(230, 90, 60), (250, 180, 60), LEAF, (140, 80, 150)])
    elif name == "bike":
        c.rect((230, g + 90, 590, g + 100), ASPHALT, radius=4)
        c.bike(260, g + 90, ACCENT)
        c.bike(440, g + 90, BRAND)
        c.person(640, g + 100, FOCUS)
    elif name == "composter":
        for bx in (230, 360, 490):
            c.rect((bx, g - 30, bx + 110, g + 70), WOOD, radius=4)
            for sy in range(g - 20, g + 70, 22):
                c.line([(bx + 4, sy), (bx + 106, sy)], WOOD_DARK, 3)
            c.rect((bx - 6, g - 40, bx + 116, g - 26), WOOD_DARK, radius=3)
        c.flowers(180, 640, g + 84, 20)
        c.person(660, g + 90, BRAND)
    elif name == "mural":
        c.rect((60, g - 240, 740, g), (230, 224, 212))
        c.circle(260, g - 150, 70, fill=FOCUS)
        c.poly([(60, g - 40), (240, g - 140), (420, g - 60), (600, g - 170), (740, g - 90), (740, g), (60, g)], BRAND)
        c.poly([(60, g), (300, g - 70), (520, g - 20), (740, g - 60), (740, g)], (70, 140, 170))
        c.circle(560, g - 180, 30, fill=ACCENT)
        c.line([(90, g - 90), (200, g - 120), (320, g - 90)], (255, 255, 255), 6)
        c.person(640, g + 90, ACCENT)
        c.rect((700, g + 60, 730, g + 90), (70, 140, 170), radius=3)
    elif name == "parklet":
        c.rect((0, g + 40, WIDTH, HEIGHT), ASPHALT)
        c.line([(150, g + 40), (150, HEIGHT)], (255, 255, 255), 5)
        c.line([(650, g + 40), (650, HEIGHT)], (255, 255, 255), 5)
        for px in (180, 360, 520):
            c.rect((px, g + 70, px + 110, g + 96), WOOD, radius=3)
            c.rect((px, g + 40, px + 110, g + 52), WOOD, radius=3)
        for px in (165, 610):
            c.rect((px, g + 20, px + 30, g + 70), BRAND_DARK, radius=3)
            c.flowers(px, px + 30, g + 22, 6)
        c.person(300, g + 100, FOCUS, 100)
        c.person(460, g + 100, BRAND, 100)
    elif name == "hall":
        c.rect((160, g - 230, 640, g), (238, 226, 206))
        c.poly([(150, g - 230), (400, g - 300), (650, g - 230)], (166, 92, 68))
        c.rect((360, g - 120, 440, g), BRAND_DARK, radius=4)
        for lx in range(170, 640, 28):
            c.circle(lx, g - 200 + ((lx // 28) % 2) * 8, 6, fill=PETALS[(lx // 28) % len(PETALS)])
        for px, col in ((240, ACCENT), (300, BRAND), (500, FOCUS), (560, (70, 140, 170))):
            c.person(px, g + 90, col, 100)
    elif name == "tools":
        c.rect((250, g - 180, 550, g + 60), BRAND, radius=6)
        c.rect((266, g - 164, 534, g + 44), (236, 240, 236), radius=4)
        for i, tx in enumerate(range(290, 520, 40)):
            c.line([(tx, g - 140), (tx, g - 60)], INK if i % 2 else ACCENT, 7)
            c.rect((tx - 10, g - 150, tx + 10, g - 136), WOOD_DARK, radius=3)
        c.circle(330, g, 24, outline=INK, width=6)
        c.rect((400, g - 20, 500, g + 20), FOCUS, radius=4)
        c.rect((540, g - 70, 556, g - 40), FOCUS, radius=3)
    elif name == "picnic":
        c.rect((250, g + 20, 550, g + 36), WOOD, radius=3)
        for lx in (280, 500):
            c.line([(lx, g + 36), (lx - 30, g + 100)], WOOD_DARK, 8)
            c.line([(lx + 20, g + 36), (lx + 50, g + 100)], WOOD_DARK, 8)
        c.rect((220, g + 60, 580, g + 72), WOOD, radius=3)
        c.circle(340, g + 12, 12, fill=ACCENT)
        c.rect((420, g + 2, 470, g + 20), (250, 245, 235), radius=3)
        c.person(180, g + 100, FOCUS)
        c.person(620, g + 100, BRAND)
    elif name == "garden":
        for bx in (200, 420):
            c.rect((bx, g + 30, bx + 180, g + 80), WOOD, radius=4)
            c.rect((bx + 8, g + 30, bx + 172, g + 44), (96, 68, 48))
            for px in range(bx + 20, bx + 170, 30):
                c.ellipse((px - 12, g + 4, px + 12, g + 34), LEAF)
        c.rect((640, g - 40, 700, g + 60), (70, 140, 170), radius=6)
        c.person(400, g + 100, ACCENT)
    elif name == "seedbombs":
        c.rect((200, g + 10, 600, g + 26), WOOD, radius=3)
        for lx in (230, 550):
            c.rect((lx, g + 26, lx + 12, g + 100), WOOD_DARK)
        for i in range(22):
            c.circle(230 + (i % 11) * 32, g - 2 - (i // 11) * 18, 10, fill=(150, 120, 90) if i % 3 else (120, 96, 70))
        c.flowers(60, 180, g + 90, 14)
    elif name == "oven":
        c.rect((230, g - 20, 570, g + 80), STONE, radius=4)
        c.ellipse((250, g - 170, 550, g + 20), (196, 120, 84))
        c.ellipse((350, g - 80, 450, g + 10), INK)
        c.ellipse((370, g - 60, 430, g + 10), (250, 160, 60))
        c.rect((480, g - 210, 510, g - 120), (150, 100, 80))
        c.person(640, g + 100, (250, 245, 235))
    elif name == "printer":
        c.shop(120, 680, g + 10, (70, 140, 170), BRAND)
        c.rect((330, g + 20, 470, g + 100), INK, radius=6)
        c.rect((345, g + 35, 455, g + 85), (236, 240, 236), radius=3)
        c.poly([(385, g + 85), (415, g + 85), (400, g + 55)], ACCENT)
    elif name in ("phone", "map"):
        c.rect((320, 90, 480, g + 100), INK, radius=22)
        c.rect((332, 112, 468, g + 76), (232, 240, 232), radius=8)
        for y in range(130, g + 70, 40):
            c.line([(332, y), (468, y + 14)], (255, 255, 255), 6)
        c.line([(360, 112), (420, g + 76)], (255, 255, 255), 8)
        for px, py, col in ((370, 190, ACCENT), (430, 260, BRAND), (390, 320, FOCUS if name == "map" else ACCENT)):
            c.circle(px, py - 12, 12, fill=col)
            c.poly([(px - 10, py - 6), (px + 10, py - 6), (px, py + 10)], col)
        if name == "phone":
            c.person(560, g + 100, ACCENT)
            c.rect((150, g + 60, 250, g + 80), (255, 191, 71), radius=4)
    elif name == "pedibus":
        c.rect((0, g + 60, WIDTH, g + 90), (255, 255, 255))
        for i, px in enumerate(range(170, 640, 70)):
            c.person(px, g + 100, FOCUS if i in (0, 6) else PETALS[i % len(PETALS)], 110 if i in (0, 6) else 78)
        c.rect((700, g - 90, 708, g + 90), INK)
        c.rect((676, g - 110, 732, g - 70), BRAND, radius=6)
    elif name == "coworking":
        c.rect((140, g - 250, 660, g + 10), (236, 226, 206))
        c.rect((300, g - 285, 500, g - 250), (96, 120, 170))
        for wx in range(170, 640, 80):
            for wy in (g - 210, g - 110):
                c.rect((wx, wy, wx + 50, wy + 70), (255, 226, 150), radius=3)
        c.rect((370, g - 60, 430, g + 10), BRAND_DARK, radius=3)
        c.bike(540, g + 96, FOCUS)


@functools.cache
def _drawn(scene: str, seed: int) -> bytes:
    canvas = Canvas(seed)
    _scene(scene, canvas)
    image = canvas.image.resize((WIDTH, HEIGHT), Image.LANCZOS)
    buffer = io.BytesIO()
    # The raw drawing carries a comment; the upload pipeline re-encodes from pixels and drops it.
    image.save(buffer, format="JPEG", quality=92, comment=CREDIT)
    return buffer.getvalue()


SCENES = ("bench", "tree_pit", "cafe", "shop", "bike", "composter", "mural", "parklet", "hall", "tools", "picnic",
          "garden", "seedbombs", "oven", "printer", "phone", "map", "pedibus", "coworking")


def demo_upload(scene: str, *, seed: int = 0, name: str = "") -> SimpleUploadedFile:
    """A drawn picture as an upload: hand it to a service, or to image_clean, like any upload."""
    if scene not in SCENES:
        raise ValueError(f"unknown demo scene {scene!r}")
    return SimpleUploadedFile(f"{name or scene}.jpg", _drawn(scene, seed), content_type="image/jpeg")


def demo_stored(field, name: str, scene: str, seed: int) -> str:
    """The storage name of a drawn picture: drawn, cleaned and saved the first time, found again after."""
    storage = field.storage
    path = f"{field.upload_to}{name}.jpg"
    if not storage.exists(path):
        path = storage.save(path, image_clean(demo_upload(scene, seed=seed, name=name)))
    return path
