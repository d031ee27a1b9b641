import numpy as np

from newsdesk.cluster.data import LabelledArticle
from newsdesk.cluster.train import Stream, ecb_topic, halves


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
