"""Article vectors, by embedding model."""

from __future__ import annotations

from newsdesk.storage.database import Database


class VectorStore:
    db: Database

    def save_vectors(self, model: str, vectors: dict[int, bytes]) -> None:
        if vectors:
            self.db.executemany("INSERT INTO article_vectors (article_id, model, vector) VALUES (?, ?, ?) "
                                "ON CONFLICT (article_id) DO UPDATE SET model = excluded.model, vector = excluded.vector",
                                [(k, model, v) for k, v in vectors.items()])

    def vectors(self, article_ids: list[int], model: str) -> dict[int, bytes]:
        if not article_ids:
            return {}
        marks = ", ".join("?" for _ in article_ids)
        rows = self.db.query(f"SELECT article_id, vector FROM article_vectors WHERE model = ? AND article_id IN ({marks})",
                             (model, *article_ids))
        return {r["article_id"]: r["vector"] for r in rows}
