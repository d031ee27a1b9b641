"""The feature screen: join rows under the gold grouping, its decision accuracy and its AUC."""

import itertools

import numpy as np
import pytest

from newsdesk_lab.cluster.data import LabelledArticle
from newsdesk.cluster.features import FEATURES
from newsdesk_lab.cluster.screen import auc, decision_accuracy, screen, teacher_rows
from newsdesk_lab.cluster.train import Stream, embed_articles

from tests.cluster.articles import QUAKE_A, QUAKE_B, TRANSFER


def test_decision_accuracy_counts_each_article_under_each_threshold():
    # article a: own story best at 0.55; b: own story not a candidate, best 0.2; c: a wrong story best at 0.9
    p = np.array([0.55, 0.1, 0.2, 0.9, 0.8])
    y = np.array([1, 0, 0, 0, 1])
    article = np.array(["a", "a", "b", "c", "c"])
    # a is right under 0.3, 0.4, 0.5 (joins) and wrong under 0.6, 0.7 (stays alone); b is right under all
    # five; c joins the wrong story under all five
    assert decision_accuracy(p, y, article) == pytest.approx((3 + 5 + 0) / 15)
    assert decision_accuracy(p, y, article, thresholds=(0.5,)) == pytest.approx(2 / 3)


def test_auc_is_the_share_of_positive_negative_pairs_in_order():
    rng = np.random.default_rng(3)
    scores = np.round(rng.normal(size=40), 1)                      # rounded: ties
    labels = (rng.random(40) < 0.4).astype(int)
    pairs = [(s, t) for (s, a), (t, b) in itertools.product(zip(scores, labels), repeat=2)
             if a == 1 and b == 0]
    brute = sum(1.0 if s > t else 0.5 if s == t else 0.0 for s, t in pairs) / len(pairs)
    assert auc(scores, labels) == pytest.approx(brute)
    assert np.isnan(auc(scores, np.zeros(40, dtype=int)))


def test_teacher_rows_label_each_candidate_and_mark_the_twin_event(embedder):
    events = [("1ecb", QUAKE_A), ("1ecbplus", QUAKE_B), ("2ecb", TRANSFER)]
    articles = [LabelledArticle(id=f"{e}-{i}", title=t, text=x, event=e)
                for i in range(3) for e, group in events for t, x in group[i:i + 1]]
    stream = Stream("ecb", "ecb", articles, embed_articles(articles, embedder))
    rows = teacher_rows([stream])
    assert rows.X.shape == (len(rows.y), len(FEATURES)) and len(rows.y) > 0
    assert set(rows.group) <= {"1", "2"}
    own_event = {f"ecb:{n}": a.event for n, a in enumerate(articles)}
    for art, label, twin, group in zip(rows.article, rows.y, rows.twin, rows.group):
        assert group == own_event[art][0]
        assert not (label and twin)
    quake_rows = [i for i, a in enumerate(rows.article) if own_event[a].startswith("1")]
    assert rows.twin[quake_rows].any(), "the other earthquake is met as a candidate"
    assert not rows.twin[[i for i, a in enumerate(rows.article) if own_event[a] == "2ecb"]].any()
    assert rows.y.sum() == sum(1 for a in set(rows.article) if rows.y[rows.article == a].any())


def test_screen_refuses_unknown_features_and_too_few_topics():
    rows = teacher_rows([])
    with pytest.raises(ValueError, match="unknown"):
        screen(rows, ["no_such_feature"])
    with pytest.raises(ValueError, match="folds"):
        screen(rows, [FEATURES[0]])
