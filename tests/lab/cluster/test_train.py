import numpy as np

from newsdesk.cluster.model import PairModel
from newsdesk_lab.cluster.data import LabelledArticle, headline
from newsdesk_lab.cluster.train import Stream, build_streams, ecb_topic, halves


def _stream(name, dataset, events):
    arts = [LabelledArticle(id=f"{name}{i}", title="t", text="x", event=e) for i, e in enumerate(events)]
    return Stream(name, dataset, arts, np.arange(len(arts), dtype=np.float32)[:, None])


def test_halves_hold_every_data_set_and_never_cut_a_topic():
    neus = [_stream(f"neus-{k}", "neus", [f"neus{k}{j}" for j in range(3)]) for k in range(5)]
    ecb = _stream("ecb", "ecb", ["1ecb", "1ecbplus", "2ecb", "3ecbplus", "2ecbplus", "3ecb", "10ecb", "1ecb"])
    a, b = halves(neus + [ecb])
    assert {s.dataset for s in a} == {s.dataset for s in b} == {"neus", "ecb"}
    assert sorted(s.name for s in a + b if s.dataset == "neus") == [s.name for s in neus]
    cut = [s for s in a + b if s.dataset == "ecb"]
    assert sorted(x.id for s in cut for x in s.articles) == sorted(x.id for x in ecb.articles)
    topics = [{ecb_topic(x.event) for x in s.articles} for s in cut]
    assert not topics[0] & topics[1], "the two events of a topic stay in one half"
    for s in cut:   # each article keeps its own vector
        assert [ecb.articles[int(v[0])].id for v in s.embeddings] == [x.id for x in s.articles]


def test_a_single_topic_cannot_be_cut():
    a, b = halves([_stream("ecb", "ecb", ["4ecb", "4ecbplus"])])
    assert len(a) + len(b) == 1 and not (a and b)


def test_ecb_orders_replay_the_topics_shuffled_cut_by_topic_and_untuned(tmp_path, monkeypatch):
    import json

    from newsdesk_lab.cluster.train import train

    class Embedder:
        def encode(self, texts):
            return np.ones((len(texts), 4), dtype=np.float32)

    ecb = tmp_path / "ecb.jsonl"
    rows = [{"id": f"{t}-{e}-{i}", "event": f"{t}{e}", "title": f"Story {t} {e} {i}", "text": "Body words."}
            for t in range(1, 5) for e in ("ecb", "ecbplus") for i in range(3)]
    ecb.write_text("".join(json.dumps(row) + "\n" for row in rows))
    streams = build_streams(None, ecb, Embedder(), ecb_orders=3)
    assert [(s.name, s.dataset, s.tune) for s in streams] == [
        ("ecb", "ecb", True), ("ecb-o1", "ecb", False), ("ecb-o2", "ecb", False)]
    ids = [[a.id for a in s.articles] for s in streams]
    assert sorted(ids[1]) == sorted(ids[2]) == sorted(ids[0]) and len({tuple(i) for i in ids}) == 3
    a, b = halves(streams)
    assert len(a) == len(b) == 3, "a replayed stream is cut by topic like the stream it replays"
    topics = [{ecb_topic(x.event) for s in half for x in s.articles} for half in (a, b)]
    assert topics[0] and topics[1] and not topics[0] & topics[1]
    assert [s.tune for s in a] == [True, False, False]
    tuned_on = []
    from newsdesk_lab.cluster import train as train_module
    real_tune = train_module.tune

    def tune(model, tune_streams, **kw):
        tuned_on.extend(s.name for s in tune_streams)
        return real_tune(model, tune_streams, **kw)

    def fit(X, y, weights, names, *args, **kwargs):   # a fixed linear scorer: no scikit-learn needed
        from newsdesk.cluster.model import Scorer

        width = X.shape[1]
        return Scorer(features=names, mean=np.zeros(width), scale=np.ones(width),
                      nets=[[(np.zeros((width, 1)), np.zeros(1))]])

    monkeypatch.setattr(train_module, "tune", tune)
    monkeypatch.setattr(train_module, "fit", fit)
    train(streams, merge=False, thresholds=[0.5], log=lambda m: None)
    assert tuned_on == ["ecb-a", "ecb-b"], "thresholds are tuned on the stream as it came, not on replays"


def test_the_thresholds_are_those_under_which_the_worst_data_set_does_best(monkeypatch):
    from newsdesk_lab.cluster import train as train_module
    from newsdesk.cluster.model import PairModel

    # one data set gains a lot from a loose join, the other loses: the best mean leaves it far behind
    scores = {("ecb", 0.3): 0.99, ("ecb", 0.5): 0.88, ("neus", 0.3): 0.78, ("neus", 0.5): 0.86}
    streams = [train_module.Stream("e", "ecb", [], np.zeros((0, 4))), train_module.Stream("n", "neus", [], np.zeros((0, 4)))]
    monkeypatch.setattr(train_module, "run_stream", lambda s, m: scores[(s.dataset, m.threshold)])
    model = PairModel.fallback()
    tuned = train_module.tune(model, streams, thresholds=[0.3, 0.5], merge_thresholds=[1.01], log=lambda m: None)
    assert (0.99 + 0.78) / 2 > (0.88 + 0.86) / 2            # the loose join has the better mean
    assert model.threshold == 0.5 and tuned["score"] == 0.86
    assert [row["worst"] for row in tuned["grid"]] == [0.78, 0.86]


def test_a_headline_is_the_title_alone_or_the_first_line_that_reads_as_one():
    art = LabelledArticle(id="a", title="Ferry line adds a winter crossing", text="The operator said so.\nMore.",
                          event="e")
    assert (headline(art).title, headline(art).text, headline(art).event) == ("Ferry line adds a winter crossing", "", "e")
    dated = LabelledArticle(id="b", title="11 / 28 / 05", text="Short\nAftershocks shake the island town again\nx",
                            event="e")
    assert headline(dated).title == "Aftershocks shake the island town again"


def test_headline_streams_follow_their_streams_into_the_same_half(tmp_path):
    import json

    class Embedder:
        def encode(self, texts):
            return np.ones((len(texts), 4), dtype=np.float32)

    ecb = tmp_path / "ecb.jsonl"
    ecb.write_text("".join(json.dumps({"id": f"{t}-{e}-{i}", "event": f"{t}{e}", "title": f"Story {t} {e} report {i}",
                                       "text": "Body words here."}) + "\n"
                           for t in range(1, 5) for e in ("ecb", "ecbplus") for i in range(2)))
    streams = build_streams(None, ecb, Embedder(), headlines="also")
    assert [(s.name, s.dataset) for s in streams] == [("ecb", "ecb"), ("ecb-titles", "ecb-titles")]
    assert all(a.text == "" for a in streams[1].articles)
    assert [s.dataset for s in build_streams(None, ecb, Embedder())] == ["ecb"]
    assert [s.dataset for s in build_streams(None, ecb, Embedder(), headlines="only")] == ["ecb-titles"]
    mixed = build_streams(None, ecb, Embedder(), headlines="mixed")
    assert [s.dataset for s in mixed] == ["ecb-mixed"]
    bare = [a.id for a in mixed[0].articles if not a.text]
    assert 0 < len(bare) < len(mixed[0].articles)
    assert bare == [a.id for a in build_streams(None, ecb, Embedder(), headlines="mixed")[0].articles if not a.text]
    a, b = halves(streams)
    for half in (a, b):
        full, titles = ({ecb_topic(x.event) for s in half if s.dataset == d for x in s.articles}
                        for d in ("ecb", "ecb-titles"))
        assert full == titles and full, "a topic's headlines train with its articles"


class _CountingEmbedder:
    def __init__(self):
        self.calls = 0

    def encode(self, texts):
        self.calls += 1
        return np.ones((len(texts), 4), dtype=np.float32)


def test_the_embedding_cache_is_never_left_half_written(tmp_path, monkeypatch):
    import pytest

    from newsdesk_lab.cluster import train as train_module

    articles = [LabelledArticle(id=str(i), title=f"Title {i}", text=f"Some text {i}.", event="e")
                for i in range(3)]
    embedder = _CountingEmbedder()

    def dies_mid_write(path, array):
        with open(path, "wb") as fh:
            fh.write(b"\x93NUMPY")          # a few bytes, then the process is gone
        raise OSError("disk full")

    monkeypatch.setattr(train_module.np, "save", dies_mid_write)
    with pytest.raises(OSError):
        train_module.embed_articles(articles, embedder, tmp_path)
    assert not list(tmp_path.iterdir())      # nothing left for a reader to load, nor a partial file
    monkeypatch.undo()
    first = train_module.embed_articles(articles, embedder, tmp_path)
    again = train_module.embed_articles(articles, embedder, tmp_path)
    assert embedder.calls == 2 and np.array_equal(first, again)    # the second run read the cache


def test_a_feature_to_drop_must_be_one_the_code_has():
    import pytest

    from newsdesk_lab.cluster.train import split_names, train

    assert split_names(" ent_gap, ,emb_max_gap ") == ("ent_gap", "emb_max_gap")
    with pytest.raises(ValueError, match="unknown features"):
        train([], drop=("ent_gapp",))


def _neus_line(*articles):
    return " [SEP] ".join(f"TITLE=> {title}. ARTICLE=> {text}" for title, text in articles) + "\n"


_KINDS = {
    "quake": ("Earthquake shakes the coastal province", "The tremor of magnitude {n} toppled seawalls and "
              "seismologists counted aftershocks near the harbour of {place}."),
    "vote": ("Parliament passes the fisheries budget", "Lawmakers voted {n} to 40 for the budget, and the "
             "minister in {place} promised quotas for trawlers."),
    "match": ("Striker scores twice in the cup final", "The goalkeeper of {place} saved a penalty before the "
              "striker's header in minute {n} settled the final."),
    "fire": ("Wildfire forces villages to evacuate", "Firefighters and water bombers fought flames on {n} "
             "hectares of pine forest above {place}."),
    "strike": ("Dockworkers walk out over pensions", "The union said {n} cranes stood idle in {place} as "
               "pickets blocked the container terminal."),
}


def test_paired_streams_put_each_story_beside_its_nearest_kind(tmp_path):
    from newsdesk_lab.cluster.train import neus_streams

    places = iter(["Velmar", "Ostrand", "Kirrin", "Dunmore", "Pellow", "Arkby", "Tresk", "Moravel",
                   "Lindqvist", "Saltcombe"])
    lines = []
    for kind, (title, text) in _KINDS.items():
        for n in (61, 62):
            place = next(places)
            lines.append((kind, _neus_line(*[(f"{title} near {place}", text.format(n=n, place=place))] * 3)))
    path = tmp_path / "train.source"
    path.write_text("".join(line for _, line in lines))
    kind_of = {f"neus{n}": kind for n, (kind, _) in enumerate(lines)}

    paired = neus_streams(path, stories_per_stream=2, paired=True)
    assert sorted(len(arts) for _, arts in paired) == [6] * 5
    for _, arts in paired:                        # two stories of one kind in each stream
        assert len({a.event for a in arts}) == 2 and len({kind_of[a.event] for a in arts}) == 1

    dealt = neus_streams(path, stories_per_stream=2)
    assert any(len({kind_of[a.event] for a in arts}) == 2 for _, arts in dealt)
    assert sorted(a.id for _, arts in dealt for a in arts) == sorted(a.id for _, arts in paired for a in arts)


def test_a_headline_model_travels_in_the_same_file(tmp_path):
    from newsdesk_lab.cluster.train import main as train_main

    article, headline = PairModel.fallback(), PairModel.fallback()
    article.threshold, headline.threshold, headline.merge_threshold = 0.6, 0.35, 0.8
    article.save(tmp_path / "article.json")
    headline.save(tmp_path / "headline.json")
    assert train_main(["--combine", str(tmp_path / "article.json"), str(tmp_path / "headline.json"),
                       "--out", str(tmp_path / "model.json")]) == 0
    combined = PairModel.load(tmp_path / "model.json")
    assert combined.threshold == 0.6 and combined.for_article(False) is combined
    part = combined.for_article(True)
    assert (part.threshold, part.merge_threshold, part.headline) == (0.35, 0.8, None)
    X = np.zeros((1, len(article.join.features)))
    assert np.allclose(part.join.logits(X), headline.join.logits(X))
    assert PairModel.load(tmp_path / "article.json").for_article(True).threshold == 0.6   # none: the article model
