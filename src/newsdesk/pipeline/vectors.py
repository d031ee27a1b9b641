"""The desk's embedder, which keeps every vector it makes in the desk's storage, and embedding the stored
articles again after the model changed (`reembed`): in batches, resumable, once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from newsdesk.embed import MULTILINGUAL_MODEL_ID, CachedEmbedder, pack_rows
from newsdesk.storage import Storage

# A finished pass keeps the last article id it covered under this key plus the model's id; a pass that was
# stopped goes on after the id it reached.
REEMBED_SETTING = "vectors.embedded_through."


def desk_embedder(storage: Storage, keep_new: bool = True) -> CachedEmbedder:
    """The process's model behind a memory of its own and this desk's stored vectors, to which it adds what
    it embeds when `keep_new` (and the database is writable). A missing model says so now, naming its
    package (never a quiet fallback)."""
    from newsdesk.embed import locate_model_files, stored_embedder

    locate_model_files()
    return stored_embedder(storage, keep_new=keep_new and not storage.read_only)


def desk_multilingual_embedder(storage: Storage, keep_new: bool = True) -> CachedEmbedder:
    """The process's multilingual model behind a memory of its own and this desk's stored vectors (beside the
    English model's), to which it adds what it embeds when `keep_new` (and the database is writable)."""
    from newsdesk.embed import stored_multilingual_embedder

    return stored_multilingual_embedder(storage, keep_new=keep_new and not storage.read_only)


@dataclass
class Reembedded:
    articles: int = 0        # original articles whose texts were looked at
    texts: int = 0           # texts that went to the model
    article_vectors: int = 0
    forgotten: int = 0       # vectors of older models deleted at the end


def needs_reembedding(storage: Storage, model_id: str) -> bool:
    """Whether the desk holds articles with no pass of this model over them yet (a model change, or a desk
    that kept no text vectors before)."""
    through = int(storage.get_setting(REEMBED_SETTING + model_id) or 0)
    return bool(storage.articles_to_embed(after_id=through, limit=1))


def reembed(storage: Storage, embedder: CachedEmbedder | None = None, batch: int = 64,
            progress: Callable[[int, int], None] | None = None) -> Reembedded:
    """Embed what the grouper and the story writer read of every stored original article (its title, lead
    and sentences) that the store lacks for the embedder's model, `batch` articles per model call, and the
    grouping vectors of the articles without one; then forget older models' vectors. `progress(done,
    total)` after each batch. Each batch is stored before the next begins, so a stopped pass goes on from
    where it stood."""
    from newsdesk.cluster import lead_texts, lead_vectors
    from newsdesk.pipeline.grouping import VECTOR_MODEL
    from newsdesk.synthesize import default_writer

    embedder = embedder or desk_embedder(storage)
    writer = default_writer()
    setting = REEMBED_SETTING + embedder.model_id
    through = int(storage.get_setting(setting) or 0)
    report = Reembedded()
    total = storage.count_articles_to_embed(after_id=through)
    while True:
        ids = storage.articles_to_embed(after_id=through, limit=batch)
        if not ids:
            break
        articles = [a for a in storage.articles_by_ids(ids).values()]
        texts = [t for a in articles for t in (*writer.texts_to_embed(a.title, a.text, a.language),
                                               *lead_texts(a.title or "", a.text))]
        before = embedder.misses
        embedder.encode(texts)
        report.texts += embedder.misses - before
        known = storage.vectors(ids, VECTOR_MODEL)
        lacking = [a for a in articles if a.id not in known]
        if lacking:
            vectors = lead_vectors(embedder, [(a.title or "", a.text) for a in lacking])
            storage.save_vectors(VECTOR_MODEL, dict(zip((a.id for a in lacking), pack_rows(vectors))))
            report.article_vectors += len(lacking)
        embedder.flush()
        through = max(ids)
        storage.set_setting(setting, str(through))
        report.articles += len(ids)
        if progress:
            progress(report.articles, total)
    if any(m not in (embedder.model_id, MULTILINGUAL_MODEL_ID) for m in storage.text_vector_models()):
        report.forgotten = storage.forget_text_vectors(embedder.model_id, MULTILINGUAL_MODEL_ID)
    return report
