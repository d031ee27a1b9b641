"""Vectors by embedding model: each original article's grouping vector, and every text the desk embedded
(titles, sentences), by a hash of the text."""

from __future__ import annotations

from newsdesk.storage.database import Database

# Keys per statement: well under SQLite's and PostgreSQL's limits on bound parameters.
KEYS_PER_QUERY = 900


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

    def articles_to_embed(self, after_id: int = 0, limit: int = 500) -> list[int]:
        """The ids of original articles (not reprints) after `after_id`, in order: what has vectors."""
        rows = self.db.query("SELECT a.id FROM articles a WHERE a.id > ? AND NOT EXISTS "
                             "(SELECT 1 FROM copies c WHERE c.copy_id = a.id) ORDER BY a.id LIMIT ?", (after_id, limit))
        return [r["id"] for r in rows]

    def count_articles_to_embed(self, after_id: int = 0) -> int:
        rows = self.db.query("SELECT COUNT(*) AS n FROM articles a WHERE a.id > ? AND NOT EXISTS "
                             "(SELECT 1 FROM copies c WHERE c.copy_id = a.id)", (after_id,))
        return int(rows[0]["n"])

    def _vector_model_id(self, model: str, create: bool) -> int | None:
        known = self.__dict__.setdefault("_vector_model_ids", {})
        if model not in known:
            rows = self.db.query("SELECT id FROM vector_models WHERE name = ?", (model,))
            if not rows and create:
                self.db.execute("INSERT INTO vector_models (name) VALUES (?) ON CONFLICT (name) DO NOTHING", (model,))
                rows = self.db.query("SELECT id FROM vector_models WHERE name = ?", (model,))
            if not rows:
                return None
            known[model] = int(rows[0]["id"])
        return known[model]

    def text_vectors(self, model: str, keys: list[bytes]) -> dict[bytes, bytes]:
        """The stored vectors of these text keys made by `model` (the keys stored for no text, or by another
        model, left out)."""
        model_id = self._vector_model_id(model, create=False) if keys else None
        if model_id is None:
            return {}
        found: dict[bytes, bytes] = {}
        for start in range(0, len(keys), KEYS_PER_QUERY):
            part = keys[start:start + KEYS_PER_QUERY]
            rows = self.db.query(f"SELECT text_key, vector FROM text_vectors WHERE model = ? AND text_key IN "
                                 f"({', '.join('?' for _ in part)})", (model_id, *part))
            found.update((bytes(r["text_key"]), bytes(r["vector"])) for r in rows)
        return found

    def save_text_vectors(self, model: str, vectors: list[tuple[bytes, bytes]]) -> None:
        """Keep these (text key, vector) pairs as `model`'s, replacing what another model made of the texts."""
        if not vectors:
            return
        try:
            with self.db.transaction():
                model_id = self._vector_model_id(model, create=True)
                self.db.executemany("INSERT INTO text_vectors (text_key, model, vector) VALUES (?, ?, ?) ON CONFLICT "
                                    "(text_key) DO UPDATE SET model = excluded.model, vector = excluded.vector",
                                    [(key, model_id, vector) for key, vector in vectors])
        except BaseException:
            self.__dict__.get("_vector_model_ids", {}).pop(model, None)     # its row may have been rolled back
            raise

    def text_vector_models(self) -> list[str]:
        """The models whose text vectors the desk has kept (the ones it has since forgotten left out)."""
        return [r["name"] for r in self.db.query("SELECT name FROM vector_models ORDER BY id")]

    def forget_text_vectors(self, *keep_models: str) -> int:
        """Delete the text vectors of every model but `keep_models`; returns how many went."""
        with self.db.transaction():
            keep = {model: self._vector_model_id(model, create=True) for model in keep_models}
            marks = ", ".join("?" for _ in keep)
            gone = self.db.execute(f"DELETE FROM text_vectors WHERE model NOT IN ({marks})", tuple(keep.values()))
            self.db.execute(f"DELETE FROM vector_models WHERE id NOT IN ({marks})", tuple(keep.values()))
        self.__dict__["_vector_model_ids"] = keep
        return gone
