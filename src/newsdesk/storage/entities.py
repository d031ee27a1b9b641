"""Entities: the names each article holds (as the NER found them), the things they resolve to, which articles
and stories name each, and the aliases that link a later name to a known thing."""

from __future__ import annotations

import re
import uuid
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from newsdesk.model import CoEntity, Entity, EntityGroup, EntityStory, EntityType, Mention, NamedEntity
from newsdesk.storage.database import Database
from newsdesk.storage.rows import row_id
from newsdesk.timeutil import from_iso, to_iso, utcnow

_ENTITY_COLUMNS = "e.id, e.slug, e.name, e.type, e.match_key, e.parent_id, e.first_seen, e.last_seen"
_LIVE_STORY = "JOIN stories s ON s.id = se.story_id AND s.merged_into IS NULL AND s.page_json IS NOT NULL"


def _entity(row: dict[str, Any]) -> Entity:
    return Entity(id=row["id"], slug=row["slug"], name=row["name"], type=EntityType(row["type"]),
                  match_key=row["match_key"], parent_id=row["parent_id"], first_seen=from_iso(row["first_seen"]),
                  last_seen=from_iso(row["last_seen"]), story_count=int(row.get("story_count") or 0))


def _slug_base(key: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", key))[:60].strip("-") or "entity"


def _accented(text: str) -> bool:
    return any(ord(c) > 127 for c in text)


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" for _ in values)


class EntityStore:
    db: Database

    # -- what the NER found --------------------------------------------------------------------------------

    def entity_scans(self, article_ids: Sequence[int]) -> dict[int, str]:
        """article id -> the text hash its names were found in, for the articles already read."""
        found: dict[int, str] = {}
        ids = list(dict.fromkeys(article_ids))
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            rows = self.db.query(f"SELECT article_id, text_hash FROM entity_scans WHERE article_id IN ({_marks(part)})",
                                 part)
            found.update({r["article_id"]: r["text_hash"] for r in rows})
        return found

    def save_mentions(self, found: dict[int, tuple[str, list[Mention]]], model: str) -> None:
        """The names found in each article (article id -> (its text hash, names)), replacing what was found in an
        earlier text; an article in `found` counts as read even when it names nothing."""
        if not found:
            return
        now = to_iso(utcnow())
        ids = list(found)
        with self.db.transaction():
            for start in range(0, len(ids), 500):
                part = ids[start:start + 500]
                self.db.execute(f"DELETE FROM article_mentions WHERE article_id IN ({_marks(part)})", part)
                self.db.execute(f"DELETE FROM entity_scans WHERE article_id IN ({_marks(part)})", part)
            self.db.executemany("INSERT INTO entity_scans (article_id, text_hash, model, scanned_at) VALUES (?, ?, ?, ?)",
                                [(i, text_hash, model, now) for i, (text_hash, _) in found.items()])
            rows = [(i, m.name, str(m.type), m.count) for i, (_, mentions) in found.items() for m in mentions]
            if rows:
                self.db.executemany("INSERT INTO article_mentions (article_id, name, type, mentions) VALUES (?, ?, ?, ?)",
                                    rows)

    def article_mentions(self, article_ids: Sequence[int]) -> dict[int, list[Mention]]:
        """The names found in each of these articles (articles naming nothing are left out)."""
        found: dict[int, list[Mention]] = defaultdict(list)
        ids = list(dict.fromkeys(article_ids))
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            rows = self.db.query(f"SELECT article_id, name, type, mentions FROM article_mentions "
                                 f"WHERE article_id IN ({_marks(part)}) ORDER BY article_id, type, name", part)
            for r in rows:
                found[r["article_id"]].append(Mention(r["name"], EntityType(r["type"]), r["mentions"]))
        return dict(found)

    # -- what a story names --------------------------------------------------------------------------------

    def _find_entity(self, group: EntityGroup) -> int | None:
        kind = str(group.type)
        words = group.key.split()
        if group.type == EntityType.PERSON and len(words) == 1:
            # a surname alone: the one person with a fuller name some story called so, if there is one
            rows = self.db.query("SELECT DISTINCT a.entity_id FROM entity_aliases a JOIN entities e ON e.id = a.entity_id "
                                 "WHERE a.alias_key = ? AND a.type = ? AND e.match_key LIKE '% %'", (group.key, kind))
            if len(rows) == 1:
                return rows[0]["entity_id"]
        rows = self.db.query("SELECT id FROM entities WHERE type = ? AND match_key = ?", (kind, group.key))
        if rows:
            return rows[0]["id"]
        rows = self.db.query("SELECT DISTINCT entity_id FROM entity_aliases WHERE alias_key = ? AND type = ?",
                             (group.key, kind))
        if len(rows) == 1:
            return rows[0]["entity_id"]
        # the same name under another type: the model's types waver between stories ("Aldermark" a place here,
        # an organisation there), a name of two things of one name is rarer
        rows = self.db.query("SELECT id FROM entities WHERE match_key = ?", (group.key,))
        return rows[0]["id"] if len(rows) == 1 else None

    def _new_entity(self, group: EntityGroup, now: str) -> int:
        entity_id = self.db.insert(
            "INSERT INTO entities (slug, name, type, match_key, created_at) VALUES (?, ?, ?, ?, ?)",
            (f"pending-{uuid.uuid4().hex}", group.name, str(group.type), group.key, now))
        base = _slug_base(group.key)
        taken = self.db.query("SELECT 1 FROM entities WHERE slug = ?", (base,)) or base.isdigit()
        self.db.execute("UPDATE entities SET slug = ? WHERE id = ?", (f"{base}-{entity_id}" if taken else base, entity_id))
        return entity_id

    def save_story_entities(self, story_id: int, groups: Sequence[EntityGroup], *, times: dict[int, datetime],
                            outlets: dict[int, str]) -> dict[str, int]:
        """What the story names, resolved per story (`groups`, over its articles read by the NER): each group
        joins the entity it names (by key, or by an alias a story gave it) or becomes a new one; replaces what
        the story and its articles named before. `times` and `outlets` are of the story's independent articles.
        Returns each group's key -> entity id."""
        now = to_iso(utcnow())
        ids: dict[str, int] = {}
        with self.db.transaction():
            for group in groups:
                entity_id = self._find_entity(group)
                if entity_id is None:
                    entity_id = self._new_entity(group, now)
                else:
                    row = self.db.query("SELECT name, match_key FROM entities WHERE id = ?", (entity_id,))[0]
                    if row["match_key"] == group.key and _accented(group.name) and not _accented(row["name"]):
                        self.db.execute("UPDATE entities SET name = ? WHERE id = ?", (group.name, entity_id))
                ids[group.key] = entity_id
                for alias_key, name in group.aliases.items():
                    self.db.execute("INSERT INTO entity_aliases (alias_key, type, entity_id, name) VALUES (?, ?, ?, ?) "
                                    "ON CONFLICT DO NOTHING", (alias_key, str(group.type), entity_id, name))
                seen = [times[a] for a in group.mentions if a in times]
                if seen:
                    first, last = to_iso(min(seen)), to_iso(max(seen))
                    self.db.execute(
                        "UPDATE entities SET first_seen = CASE WHEN first_seen IS NULL OR first_seen > ? THEN ? "
                        "ELSE first_seen END, last_seen = CASE WHEN last_seen IS NULL OR last_seen < ? THEN ? "
                        "ELSE last_seen END WHERE id = ?", (first, first, last, last, entity_id))
            for group in groups:
                parent = ids.get(group.part_of) if group.part_of else None
                if parent is not None and parent != ids[group.key]:
                    self.db.execute("UPDATE entities SET parent_id = ? WHERE id = ? AND parent_id IS NULL",
                                    (parent, ids[group.key]))
            articles = list(outlets)
            old = self.db.query("SELECT article_id FROM story_articles WHERE story_id = ?", (story_id,))
            cleared = list(dict.fromkeys(articles + [r["article_id"] for r in old]))
            for start in range(0, len(cleared), 500):
                part = cleared[start:start + 500]
                self.db.execute(f"DELETE FROM article_entities WHERE article_id IN ({_marks(part)})", part)
            self.db.execute("DELETE FROM story_entities WHERE story_id = ?", (story_id,))
            per_article: dict[tuple[int, int], int] = defaultdict(int)
            per_story: dict[int, tuple[set, int, str]] = {}
            for group in sorted(groups, key=lambda g: -sum(g.mentions.values())):
                entity_id = ids[group.key]
                named_by, total, kind = per_story.get(entity_id, (set(), 0, str(group.type)))
                for article_id, n in group.mentions.items():
                    per_article[article_id, entity_id] += n
                    if article_id in outlets:
                        named_by.add(outlets[article_id])
                    total += n
                per_story[entity_id] = (named_by, total, kind)
            self.db.executemany("INSERT INTO article_entities (article_id, entity_id, mentions) VALUES (?, ?, ?)",
                                [(a, e, n) for (a, e), n in per_article.items()])
            self.db.executemany("INSERT INTO story_entities (story_id, entity_id, sources, mentions, type) "
                                "VALUES (?, ?, ?, ?, ?)", [(story_id, e, len(named_by), total, kind)
                                                           for e, (named_by, total, kind) in per_story.items()])
            self._retype(list(per_story))
        return ids

    def _retype(self, entity_ids: Sequence[int]) -> None:
        """Each entity takes the type most of the stories naming it give it (merged stories left out) (the small model's types
        waver between stories: "Aldermark" an organisation in the first, a place in most); a tie keeps the
        type it has."""
        for start in range(0, len(entity_ids), 500):
            part = entity_ids[start:start + 500]
            rows = self.db.query(
                "SELECT se.entity_id, se.type, COUNT(*) AS n, e.type AS current FROM story_entities se "
                "JOIN stories s ON s.id = se.story_id AND s.merged_into IS NULL "
                f"JOIN entities e ON e.id = se.entity_id WHERE se.entity_id IN ({_marks(part)}) "
                "AND se.type IS NOT NULL GROUP BY se.entity_id, se.type, e.type", part)
            votes: dict[int, Counter] = defaultdict(Counter)
            current: dict[int, str] = {}
            for r in rows:
                votes[r["entity_id"]][r["type"]] = r["n"]
                current[r["entity_id"]] = r["current"]
            for entity_id, counts in votes.items():
                best = max(counts, key=lambda t: (counts[t], t == current[entity_id]))
                if best != current[entity_id]:
                    self.db.execute("UPDATE entities SET type = ? WHERE id = ?", (best, entity_id))

    def story_entities(self, story_id: int, limit: int = 40) -> list[NamedEntity]:
        """The entities a story names, by how many independent outlets name each, then by mentions."""
        rows = self.db.query(
            f"SELECT {_ENTITY_COLUMNS}, se.sources, se.mentions FROM story_entities se "
            "JOIN entities e ON e.id = se.entity_id WHERE se.story_id = ? "
            "ORDER BY se.sources DESC, se.mentions DESC, e.name, e.id LIMIT ?", (story_id, int(limit)))
        return [NamedEntity(_entity(r), r["sources"], r["mentions"]) for r in rows]

    # -- one entity ----------------------------------------------------------------------------------------

    def get_entity(self, key: int | str) -> Entity | None:
        """By id or slug, with the number of live stories naming it."""
        entity_id = row_id(key)
        where, param = ("e.id = ?", entity_id) if entity_id is not None else ("e.slug = ?", str(key))
        rows = self.db.query(f"SELECT {_ENTITY_COLUMNS}, (SELECT COUNT(*) FROM story_entities se {_LIVE_STORY} "
                             f"WHERE se.entity_id = e.id) AS story_count FROM entities e WHERE {where}", (param,))
        return _entity(rows[0]) if rows else None

    def entities_by_ids(self, ids: Sequence[int]) -> dict[int, Entity]:
        if not ids:
            return {}
        ids = list(dict.fromkeys(ids))
        rows = self.db.query(f"SELECT {_ENTITY_COLUMNS} FROM entities e WHERE e.id IN ({_marks(ids)})", ids)
        return {r["id"]: _entity(r) for r in rows}

    def entity_forms(self, entity_id: int) -> list[Entity]:
        """The entities linked to this one as its longer or shorter forms (its parent and its children)."""
        rows = self.db.query(
            f"SELECT {_ENTITY_COLUMNS} FROM entities e WHERE e.parent_id = ? OR e.id = "
            "(SELECT parent_id FROM entities WHERE id = ?) ORDER BY e.name, e.id", (entity_id, entity_id))
        return [_entity(r) for r in rows]

    def entity_aliases(self, entity_id: int) -> list[str]:
        """The names stories gave this entity, as written."""
        rows = self.db.query("SELECT DISTINCT name FROM entity_aliases WHERE entity_id = ? ORDER BY name",
                             (entity_id,))
        return [r["name"] for r in rows]

    def entity_stories(self, entity_id: int, *, limit: int = 50, offset: int = 0) -> list[EntityStory]:
        """The live stories naming the entity, most recently updated first."""
        rows = self.db.query(
            "SELECT s.id, s.slug, s.headline, s.last_updated, s.first_published, s.independent_count, se.sources "
            f"FROM story_entities se {_LIVE_STORY} WHERE se.entity_id = ? "
            "ORDER BY s.last_updated DESC, s.id DESC LIMIT ? OFFSET ?", (entity_id, int(limit), int(offset)))
        return [EntityStory(story_id=r["id"], slug=r["slug"], headline=r["headline"],
                            last_updated=from_iso(r["last_updated"]), first_published=from_iso(r["first_published"]),
                            independent_count=r["independent_count"], sources=r["sources"]) for r in rows]

    def co_entities(self, entity_id: int, *, limit: int = 12, recent: int = 500) -> list[CoEntity]:
        """The entities most often named in the same stories (over its `recent` latest stories)."""
        rows = self.db.query(
            f"SELECT {_ENTITY_COLUMNS}, COUNT(*) AS together FROM "
            "(SELECT se.story_id FROM story_entities se "
            f"{_LIVE_STORY} WHERE se.entity_id = ? ORDER BY s.last_updated DESC LIMIT ?) mine "
            "JOIN story_entities other ON other.story_id = mine.story_id AND other.entity_id <> ? "
            "JOIN entities e ON e.id = other.entity_id "
            "GROUP BY e.id, e.slug, e.name, e.type, e.match_key, e.parent_id, e.first_seen, e.last_seen "
            "ORDER BY together DESC, e.name, e.id LIMIT ?", (entity_id, int(recent), entity_id, int(limit)))
        return [CoEntity(_entity(r), r["together"]) for r in rows]

    def entities_named(self, keys: Sequence[str], *, whole_words: bool = False, limit: int = 20) -> list[Entity]:
        """Entities one of whose names (alias keys) is one of `keys`; with `whole_words`, those with a name that
        holds one of them as whole words ("joly" in "melanie joly"). Most named in live stories first."""
        keys = [k for k in dict.fromkeys(keys) if k]
        if not keys:
            return []
        if whole_words:
            likes = [k.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") for k in keys]
            where = " OR ".join("alias_key = ? OR alias_key LIKE ? ESCAPE '\\' OR alias_key LIKE ? ESCAPE '\\' "
                                "OR alias_key LIKE ? ESCAPE '\\'" for _ in keys)
            params: list[Any] = [p for k, like in zip(keys, likes)
                                 for p in (k, like + " %", "% " + like, "% " + like + " %")]
        else:
            where, params = f"alias_key IN ({_marks(keys)})", list(keys)
        rows = self.db.query(
            f"SELECT {_ENTITY_COLUMNS}, (SELECT COUNT(*) FROM story_entities se {_LIVE_STORY} "
            f"WHERE se.entity_id = e.id) AS story_count FROM entities e WHERE e.id IN "
            f"(SELECT entity_id FROM entity_aliases WHERE {where}) "
            "ORDER BY story_count DESC, e.name, e.id LIMIT ?", (*params, int(limit)))
        return [_entity(r) for r in rows]

    def story_entity_ids(self, story_ids: Sequence[int]) -> dict[int, set[int]]:
        """story id -> the entities it names, with those they are longer forms of (a story naming "Hikvision
        Canada Inc." involves "Hikvision")."""
        return self._with_shorter_forms(self._entity_ids("story_entities", "story_id", story_ids))

    def article_entity_ids(self, article_ids: Sequence[int]) -> dict[int, set[int]]:
        """article id -> the entities it names, with those they are longer forms of."""
        return self._with_shorter_forms(self._entity_ids("article_entities", "article_id", article_ids))

    def _entity_ids(self, table: str, column: str, ids: Sequence[int]) -> dict[int, set[int]]:
        found: dict[int, set[int]] = defaultdict(set)
        ids = list(dict.fromkeys(ids))
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            for r in self.db.query(f"SELECT {column} AS owner, entity_id FROM {table} "
                                   f"WHERE {column} IN ({_marks(part)})", part):
                found[r["owner"]].add(r["entity_id"])
        return dict(found)

    def _with_shorter_forms(self, found: dict[int, set[int]]) -> dict[int, set[int]]:
        parents: dict[int, int] = {}
        asked: set[int] = set()
        todo = {e for ids in found.values() for e in ids}
        while todo:
            part = sorted(todo)
            asked |= todo
            todo = set()
            for start in range(0, len(part), 500):
                chunk = part[start:start + 500]
                for r in self.db.query(f"SELECT id, parent_id FROM entities WHERE id IN ({_marks(chunk)}) "
                                       "AND parent_id IS NOT NULL", chunk):
                    parents[r["id"]] = r["parent_id"]
                    if r["parent_id"] not in asked:
                        todo.add(r["parent_id"])
        if not parents:
            return found
        widened = {}
        for owner, ids in found.items():
            every, step = set(ids), set(ids)
            while step:
                step = {parents[e] for e in step if e in parents} - every
                every |= step
            widened[owner] = every
        return widened

    def find_entities(self, key: str, *, limit: int = 20) -> list[Entity]:
        """Entities any of whose names (match keys) is `key`, or has a word starting with it: exact names first,
        then by how many live stories name them."""
        key = key.strip()
        if not key:
            return []
        like = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = self.db.query(
            f"SELECT {_ENTITY_COLUMNS}, (SELECT COUNT(*) FROM story_entities se {_LIVE_STORY} "
            "WHERE se.entity_id = e.id) AS story_count, "
            "(SELECT MAX(CASE WHEN a.alias_key = ? THEN 1 ELSE 0 END) FROM entity_aliases a "
            "WHERE a.entity_id = e.id) AS exact FROM entities e WHERE e.id IN "
            "(SELECT entity_id FROM entity_aliases WHERE alias_key LIKE ? ESCAPE '\\' "
            "OR alias_key LIKE ? ESCAPE '\\') "
            "ORDER BY exact DESC, story_count DESC, e.name, e.id LIMIT ?",
            (key, like + "%", "% " + like + "%", int(limit)))
        return [_entity(r) for r in rows]
