"""The demo's drawn lead images: real PNGs of og:image size, one picture per article, fitting its event."""

from __future__ import annotations

import numpy as np
import pytest

from newsdesk.demo import load_corpus
from newsdesk.demo.pictures import HEIGHT, THEMES, WIDTH, lead_image, theme_of

from tests.png import read_png

SUBJECTS = {theme: f"{keywords[0]} in the news" for theme, keywords in THEMES} | {"landscape": "a town fair"}


def draw(key: str, subject: str, hour: int = 12) -> bytes:
    return lead_image.__wrapped__(key, subject, hour)      # past the cache: each call draws afresh


@pytest.mark.parametrize("theme", list(SUBJECTS))
def test_every_scene_is_a_png_of_og_image_size(theme):
    assert read_png(draw("some-article", SUBJECTS[theme])).shape == (HEIGHT, WIDTH, 3)


def test_og_image_size_is_1200_by_630():
    assert (WIDTH, HEIGHT) == (1200, 630)


@pytest.mark.parametrize("theme", list(SUBJECTS))
def test_a_picture_is_not_one_flat_colour(theme):
    pixels = read_png(draw("some-article", SUBJECTS[theme])).reshape(-1, 3)
    assert len(np.unique(pixels, axis=0)) > 200


@pytest.mark.parametrize("theme", list(SUBJECTS))
def test_a_picture_is_drawn_shapes_not_noise(theme):
    # neighbouring pixels mostly agree in a drawing; in noise they almost never do
    pixels = read_png(draw("some-article", SUBJECTS[theme])).astype(int)
    alike = np.abs(pixels[:, 1:] - pixels[:, :-1]).max(axis=2) <= 8
    assert alike.mean() > 0.8


@pytest.mark.parametrize("hour", [3, 6, 12, 18])
def test_the_hour_of_publication_lights_the_scene(hour):
    assert draw("some-article", "a town fair", hour) != draw("some-article", "a town fair", (hour + 12) % 24)


def test_the_same_article_gets_the_same_picture_every_time():
    assert draw("mpa-quake-fenwick-valley", "quake") == draw("mpa-quake-fenwick-valley", "quake")


def test_two_articles_about_one_event_get_different_pictures():
    first = read_png(draw("mpa-quake-fenwick-valley", "quake")).astype(int)
    second = read_png(draw("fvg-thornbury-earthquake", "quake")).astype(int)
    differs = np.abs(first - second).max(axis=2) > 8
    assert differs.mean() > 0.1


def test_the_event_chooses_the_scene():
    assert theme_of("wren-probe-orbit The Wren probe enters orbit around the asteroid Veyra") == "space"


def test_a_tsunami_alert_is_by_the_sea_though_it_is_an_earthquake():
    assert theme_of("quake-port-severin An offshore earthquake triggers a brief tsunami alert") == "coast"


def test_words_match_whole_not_inside_others():
    assert theme_of("an update on the dataset of semiconductors") == "landscape"


def test_an_event_of_no_known_kind_gets_a_landscape():
    assert theme_of("the village fete returns") == "landscape"


def test_every_event_of_the_demo_corpus_has_a_scene_of_its_own_kind():
    corpus = load_corpus()
    themes = {event: theme_of(f"{event} {text}") for event, text in corpus.events.items()}
    assert "landscape" not in themes.values()
