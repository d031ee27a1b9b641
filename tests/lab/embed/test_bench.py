from newsdesk.embed import Embedder

from newsdesk_lab import embed
from newsdesk_lab.embed import bench


def test_bench_reports_rate():
    rate = embed.bench(16, words=20, embedder=Embedder(threads=2))
    assert rate > 0
    assert bench is embed.bench
