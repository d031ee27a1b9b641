"""A user's own view (model.OwnView) as SQL: the conditions under which a story or an article is out of it, for
the list queries to add to their WHERE, and the probes that ask it of a few ids.

An article is out of view when its source is hidden, or it names a blocked entity, or a blocked query matches
it; unless its source is kept, it names a kept entity or a kept query matches it. A story is out of view when
every one of its reports comes from hidden sources, or it involves a blocked entity (story_entities), or a
blocked query matches it; unless one of its reports comes from a kept source, it involves a kept entity or a
kept query matches it. A query matches a story when it matches the story's headline or summary (the story
index), or every original report of it (one report naming a word does not make the story about it)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from newsdesk.model import OwnView
from newsdesk.storage.database import Database
from newsdesk.storage.search import matching_ids_sql

_CHUNK = 5000         # ids per probe: each probe reads the rules' query matches once
Clause = tuple[str, list[Any]]


def _marks(ids: Sequence[Any]) -> str:
    return ", ".join("?" * len(ids))


def _either(parts: list[Clause]) -> Clause:
    return "(" + " OR ".join(sql for sql, _ in parts) + ")", [p for _, params in parts for p in params]


def _combine(hide: list[Clause], keep: list[Clause]) -> Clause | None:
    if not hide:
        return None
    sql, params = _either(hide)
    if keep:
        kept, kept_params = _either(keep)
        return f"({sql} AND NOT {kept})", params + kept_params
    return sql, params


def _story_has_source(column: str, sources: frozenset[int], *, outside: bool) -> Clause:
    ids = sorted(sources)
    # `+va.source_id`: read the story's few reports, not every report of these sources for each story
    test = f"(va.source_id IS NULL OR +va.source_id NOT IN ({_marks(ids)}))" if outside else \
        f"+va.source_id IN ({_marks(ids)})"
    return (f"EXISTS (SELECT 1 FROM story_articles vsa JOIN articles va ON va.id = vsa.article_id "
            f"WHERE vsa.story_id = {column} AND {test})", list(ids))


def _story_names(column: str, entities: frozenset[int]) -> Clause:
    ids = sorted(entities)
    return (f"EXISTS (SELECT 1 FROM story_entities vse WHERE vse.story_id = {column} "
            f"AND vse.entity_id IN ({_marks(ids)}))", list(ids))


def _story_matches(dialect: str, column: str, query: str) -> Clause:
    stories, story_params = matching_ids_sql(dialect, query, stories=True)
    articles, article_params = matching_ids_sql(dialect, query)
    return (f"({column} IN ({stories}) OR NOT EXISTS (SELECT 1 FROM story_articles vsa JOIN articles va "
            f"ON va.id = vsa.article_id WHERE vsa.story_id = {column} "
            f"AND NOT EXISTS (SELECT 1 FROM copies vc WHERE vc.copy_id = va.id) AND va.id NOT IN ({articles})))",
            story_params + article_params)


def story_out_of_view(dialect: str, view: OwnView | None, column: str) -> Clause:
    """SQL true for a story (its id in `column`) out of the user's view, or hidden by an editor's correction
    (out of everyone's, whatever their keep rules say)."""
    hidden_by_editor: Clause = (f"EXISTS (SELECT 1 FROM story_overrides vo WHERE vo.story_id = {column} "
                                "AND vo.hidden = 1)", [])
    own = _own_story_clause(dialect, view, column)
    return hidden_by_editor if own is None else _either([hidden_by_editor, own])


def _own_story_clause(dialect: str, view: OwnView | None, column: str) -> Clause | None:
    if view is None or not view.hides_anything:
        return None
    hide: list[Clause] = []
    if view.hidden_sources:
        sql, params = _story_has_source(column, view.hidden_sources, outside=True)
        hide.append((f"NOT {sql}", params))
    if view.block_entities:
        hide.append(_story_names(column, view.block_entities))
    hide += [_story_matches(dialect, column, q) for q in view.block_queries]
    keep: list[Clause] = []
    if view.keep_sources:
        keep.append(_story_has_source(column, view.keep_sources, outside=False))
    if view.keep_entities:
        keep.append(_story_names(column, view.keep_entities))
    keep += [_story_matches(dialect, column, q) for q in view.keep_queries]
    return _combine(hide, keep)


def _article_parts(dialect: str, id_column: str, source_column: str, sources: frozenset[int],
                   entities: frozenset[int], queries: tuple[str, ...]) -> list[Clause]:
    parts: list[Clause] = []
    if sources:
        ids = sorted(sources)
        parts.append((f"{source_column} IN ({_marks(ids)})", list(ids)))
    if entities:
        ids = sorted(entities)
        parts.append((f"EXISTS (SELECT 1 FROM article_entities vae WHERE vae.article_id = {id_column} "
                      f"AND vae.entity_id IN ({_marks(ids)}))", list(ids)))
    for query in queries:
        sql, params = matching_ids_sql(dialect, query)
        parts.append((f"{id_column} IN ({sql})", params))
    return parts


def article_out_of_view(dialect: str, view: OwnView | None, id_column: str = "a.id",
                        source_column: str = "a.source_id") -> Clause | None:
    """SQL true for an article (its id and source id in these columns) out of the user's view; None when the
    view hides nothing."""
    if view is None or not view.hides_anything:
        return None
    return _combine(
        _article_parts(dialect, id_column, source_column, view.hidden_sources, view.block_entities,
                       view.block_queries),
        _article_parts(dialect, id_column, source_column, view.keep_sources, view.keep_entities,
                       view.keep_queries))


def in_view(clause: Clause | None) -> Clause:
    """` AND NOT (…)` to append to a WHERE for what the view shows ("" when it hides nothing)."""
    if clause is None:
        return "", []
    return f" AND NOT {clause[0]}", list(clause[1])


class OwnViewStore:
    db: Database

    def hidden_story_ids(self, view: OwnView | None, story_ids: Iterable[int]) -> set[int]:
        """Those of these stories that are out of the user's view."""
        clause = story_out_of_view(self.db.dialect, view, "s.id")
        ids = sorted(set(story_ids))
        if not ids:
            return set()
        found: set[int] = set()
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start:start + _CHUNK]
            found |= {r["id"] for r in self.db.query(
                f"SELECT s.id FROM stories s WHERE s.id IN ({_marks(chunk)}) AND {clause[0]}",
                [*chunk, *clause[1]])}
        return found

    def hidden_article_ids(self, view: OwnView | None, article_ids: Iterable[int]) -> set[int]:
        """Those of these articles that are out of the user's view."""
        clause = article_out_of_view(self.db.dialect, view)
        ids = sorted(set(article_ids))
        if clause is None or not ids:
            return set()
        found: set[int] = set()
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start:start + _CHUNK]
            found |= {r["id"] for r in self.db.query(
                f"SELECT a.id FROM articles a WHERE a.id IN ({_marks(chunk)}) AND {clause[0]}",
                [*chunk, *clause[1]])}
        return found
