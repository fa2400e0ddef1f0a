"""Every pair of a built-in tag set's colours stays apart for readers with colour-vision
deficiencies: CIEDE2000 between the two colours as seen with normal vision and under the
Machado, Oliveira & Fernandes (2009) simulations of protanopia, deuteranopia and tritanopia.

Both formulas are written out here (a few lines each) rather than taken from colour-science,
which warns on import without SciPy and Matplotlib and this suite turns warnings into errors;
they are checked against published values below.
"""

from __future__ import annotations

import itertools
import math

import pytest

from annotations.framing.taxonomy import builtin_tag_sets

BUILTINS = builtin_tag_sets()

# Machado et al. 2009, severity 1.0, applied to linear sRGB.
MACHADO_2009 = {
    "protanopia": (
        (0.152286, 1.052583, -0.204868),
        (0.114503, 0.786281, 0.099216),
        (-0.003882, -0.048116, 1.051998),
    ),
    "deuteranopia": (
        (0.367322, 0.860646, -0.227968),
        (0.280085, 0.672501, 0.047413),
        (-0.011820, 0.042940, 0.968881),
    ),
    "tritanopia": (
        (1.255528, -0.076749, -0.178779),
        (-0.078411, 0.930809, 0.147602),
        (0.004733, 0.691367, 0.303900),
    ),
}

# The smallest CIEDE2000 between two colours of a set, under every simulation. Twelve colours
# light enough for dark text at 7:1 fit 10 apart (10.48 reached); more colours share the
# same small space (8.40 for 15, 6.25 for 23).
MINIMUM = {"media-literacy": 10.0, "policy-frames": 8.0, "persuasion-techniques": 6.0}


def linear(colour: str) -> tuple[float, float, float]:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    return tuple(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)


def simulate(rgb, vision: str):
    if vision == "normal":
        return rgb
    matrix = MACHADO_2009[vision]
    return tuple(
        min(1.0, max(0.0, sum(m * c for m, c in zip(row, rgb, strict=True)))) for row in matrix
    )


def lab(rgb) -> tuple[float, float, float]:
    r, g, b = rgb
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t):
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def ciede2000(first, second) -> float:
    """CIEDE2000 colour difference (Sharma, Wu & Dalal 2005), kL = kC = kH = 1."""
    l1, a1, b1 = first
    l2, a2, b2 = second
    c_bar = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_bar**7 / (c_bar**7 + 25**7)))
    a1, a2 = (1 + g) * a1, (1 + g) * a2
    c1, c2 = math.hypot(a1, b1), math.hypot(a2, b2)
    h1 = math.degrees(math.atan2(b1, a1)) % 360 if c1 else 0.0
    h2 = math.degrees(math.atan2(b2, a2)) % 360 if c2 else 0.0
    delta_l = l2 - l1
    delta_c = c2 - c1
    delta_h = 0.0
    if c1 * c2:
        delta_h = h2 - h1
        if delta_h > 180:
            delta_h -= 360
        elif delta_h < -180:
            delta_h += 360
    delta_big_h = 2 * math.sqrt(c1 * c2) * math.sin(math.radians(delta_h / 2))
    l_mean = (l1 + l2) / 2
    c_mean = (c1 + c2) / 2
    if c1 * c2 == 0:
        h_mean = h1 + h2
    elif abs(h1 - h2) <= 180:
        h_mean = (h1 + h2) / 2
    elif h1 + h2 < 360:
        h_mean = (h1 + h2 + 360) / 2
    else:
        h_mean = (h1 + h2 - 360) / 2
    t = (
        1
        - 0.17 * math.cos(math.radians(h_mean - 30))
        + 0.24 * math.cos(math.radians(2 * h_mean))
        + 0.32 * math.cos(math.radians(3 * h_mean + 6))
        - 0.20 * math.cos(math.radians(4 * h_mean - 63))
    )
    rotation = 30 * math.exp(-(((h_mean - 275) / 25) ** 2))
    r_c = 2 * math.sqrt(c_mean**7 / (c_mean**7 + 25**7))
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / math.sqrt(20 + (l_mean - 50) ** 2)
    s_c = 1 + 0.045 * c_mean
    s_h = 1 + 0.015 * c_mean * t
    r_t = -math.sin(math.radians(2 * rotation)) * r_c
    return math.sqrt(
        (delta_l / s_l) ** 2
        + (delta_c / s_c) ** 2
        + (delta_big_h / s_h) ** 2
        + r_t * (delta_c / s_c) * (delta_big_h / s_h)
    )


# Sharma, Wu & Dalal (2005), table 1: pairs 1, 7, 17 and 25.
@pytest.mark.parametrize(
    "first, second, expected",
    [
        ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
        ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
        ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
        ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ],
)
def test_ciede2000_matches_the_published_pairs(first, second, expected):
    assert ciede2000(first, second) == pytest.approx(expected, abs=1e-4)
    assert ciede2000(second, first) == pytest.approx(expected, abs=1e-4)


def test_the_simulations_keep_greys_and_merge_red_with_green_for_deuteranopes():
    for vision in MACHADO_2009:
        grey = simulate((0.5, 0.5, 0.5), vision)
        assert grey == pytest.approx((0.5, 0.5, 0.5), abs=0.002)
    red, green = linear("#d05050"), linear("#709030")
    normal = ciede2000(lab(red), lab(green))
    seen = ciede2000(lab(simulate(red, "deuteranopia")), lab(simulate(green, "deuteranopia")))
    assert normal > 40 and seen < normal / 3


@pytest.mark.parametrize("tag_set", BUILTINS, ids=[tag_set.key for tag_set in BUILTINS])
def test_every_pair_of_colours_stays_apart_under_colour_blindness(tag_set):
    closest = math.inf
    worst = None
    for first, second in itertools.combinations(tag_set.tags, 2):
        for vision in ("normal", *MACHADO_2009):
            one = lab(simulate(linear(first.colour), vision))
            two = lab(simulate(linear(second.colour), vision))
            distance = ciede2000(one, two)
            if distance < closest:
                closest, worst = distance, (first.key, second.key, vision)
    assert closest >= MINIMUM[tag_set.key], (round(closest, 2), worst)
