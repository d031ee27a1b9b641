"""Source labels: the label groups the admin defines (each with its labels in order) and the label each source
carries in a group; and the sources behind each story that the coverage counts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from newsdesk.storage.database import Database, StorageError

_JOIN = "|"


class LabelInUse(StorageError):
    pass


def _split(labels: str) -> list[str]:
    return [label for label in labels.split(_JOIN) if label]


class LabelStore:
    db: Database

    def label_groups(self) -> dict[str, list[str]]:
        """Every label group, by name, with its labels in the order the admin gave them."""
        rows = self.db.query("SELECT name, labels FROM label_groups ORDER BY name")
        return {r["name"]: _split(r["labels"]) for r in rows}

    def define_label_group(self, name: str, labels: Sequence[str]) -> list[str]:
        """Make or reorder a group; a label some source carries cannot be left out (LabelInUse)."""
        labels = list(dict.fromkeys(labels))
        with self.db.transaction():
            used = {r["label"] for r in self.db.query(
                "SELECT DISTINCT label FROM source_labels WHERE label_group = ?", (name,))}
            dropped = sorted(used - set(labels))
            if dropped:
                raise LabelInUse(f"label group {name!r}: sources carry {', '.join(dropped)}; "
                                 "take those labels off them first")
            self._save_group(name, labels)
        return labels

    def delete_label_group(self, name: str) -> bool:
        """Remove a group and every source's label in it; False when there was no such group."""
        with self.db.transaction():
            self.db.execute("DELETE FROM source_labels WHERE label_group = ?", (name,))
            return self.db.execute("DELETE FROM label_groups WHERE name = ?", (name,)) > 0

    def _save_group(self, name: str, labels: list[str]) -> None:
        joined = _JOIN.join(labels)
        if self.db.query("SELECT 1 FROM label_groups WHERE name = ?", (name,)):
            self.db.execute("UPDATE label_groups SET labels = ? WHERE name = ?", (joined, name))
        else:
            self.db.execute("INSERT INTO label_groups (name, labels) VALUES (?, ?)", (name, joined))

    def set_source_labels(self, source_id: int, labels: Mapping[str, str | None]) -> dict[str, str]:
        """Set (or, given None, take off) the source's label in each group; a group or label not defined yet
        is added at the end of the groups' list. Returns the source's labels after."""
        with self.db.transaction():
            groups = self.label_groups()
            for group, label in labels.items():
                if label is None:
                    self.db.execute("DELETE FROM source_labels WHERE source_id = ? AND label_group = ?",
                                    (source_id, group))
                    continue
                if label not in groups.get(group, []):
                    groups[group] = [*groups.get(group, []), label]
                    self._save_group(group, groups[group])
                if self.db.query("SELECT 1 FROM source_labels WHERE source_id = ? AND label_group = ?",
                                 (source_id, group)):
                    self.db.execute("UPDATE source_labels SET label = ? WHERE source_id = ? AND label_group = ?",
                                    (label, source_id, group))
                else:
                    self.db.execute("INSERT INTO source_labels (source_id, label_group, label) VALUES (?, ?, ?)",
                                    (source_id, group, label))
        return self.source_labels([source_id]).get(source_id, {})

    def source_labels(self, source_ids: Sequence[int] | None = None) -> dict[int, dict[str, str]]:
        """Per source (all of them when `source_ids` is None), its labels by group."""
        if source_ids is None:
            rows = self.db.query("SELECT source_id, label_group, label FROM source_labels "
                                 "ORDER BY source_id, label_group")
        else:
            ids = sorted({int(i) for i in source_ids})
            rows = []
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                marks = ", ".join("?" for _ in chunk)
                rows += self.db.query("SELECT source_id, label_group, label FROM source_labels "
                                      f"WHERE source_id IN ({marks}) ORDER BY source_id, label_group", chunk)
        found: dict[int, dict[str, str]] = {}
        for r in rows:
            found.setdefault(int(r["source_id"]), {})[r["label_group"]] = r["label"]
        return found

    def labels_in_use(self) -> dict[str, list[str]]:
        """Per group, the labels at least one source carries, in the group's order."""
        used: dict[str, set[str]] = {}
        for r in self.db.query("SELECT DISTINCT label_group, label FROM source_labels"):
            used.setdefault(r["label_group"], set()).add(r["label"])
        return {group: [label for label in labels if label in used[group]]
                for group, labels in self.label_groups().items() if group in used}

    def story_sources(self, story_ids: Sequence[int]) -> dict[int, list[int]]:
        """Per story, the sources of its independent articles (reprints left out), each once."""
        found: dict[int, list[int]] = {int(i): [] for i in story_ids}
        ids = sorted(found)
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ", ".join("?" for _ in chunk)
            rows = self.db.query(
                "SELECT DISTINCT sa.story_id, a.source_id FROM story_articles sa JOIN articles a "
                "ON a.id = sa.article_id LEFT JOIN copies c ON c.copy_id = a.id "
                f"WHERE sa.story_id IN ({marks}) AND c.copy_id IS NULL AND a.source_id IS NOT NULL "
                "ORDER BY sa.story_id, a.source_id", chunk)
            for r in rows:
                found[int(r["story_id"])].append(int(r["source_id"]))
        return found
