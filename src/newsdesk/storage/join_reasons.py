"""Why each article joined its story, as the grouper recorded it at the time."""

from __future__ import annotations

import json
from collections.abc import Sequence

from newsdesk.model import JoinReason
from newsdesk.storage.database import Database


class JoinReasonStore:
    db: Database

    def save_join_reasons(self, reasons: Sequence[JoinReason]) -> None:
        """Record (or replace, when an article is placed again) why each article went where it did."""
        if reasons:
            self.db.executemany(
                "INSERT INTO join_reasons (article_id, probability, facts, runner_up_story, runner_up_probability, "
                "copy_of) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (article_id) DO UPDATE SET "
                "probability = excluded.probability, facts = excluded.facts, "
                "runner_up_story = excluded.runner_up_story, runner_up_probability = excluded.runner_up_probability, "
                "copy_of = excluded.copy_of",
                [(r.article_id, r.probability, json.dumps(r.facts, separators=(",", ":")), r.runner_up_story,
                  r.runner_up_probability, r.copy_of) for r in reasons])

    def join_reasons(self, article_ids: Sequence[int]) -> dict[int, JoinReason]:
        if not article_ids:
            return {}
        marks = ", ".join("?" for _ in article_ids)
        rows = self.db.query(f"SELECT * FROM join_reasons WHERE article_id IN ({marks})", tuple(article_ids))
        return {r["article_id"]: JoinReason(article_id=r["article_id"], probability=r["probability"],
                                            facts=json.loads(r["facts"]), runner_up_story=r["runner_up_story"],
                                            runner_up_probability=r["runner_up_probability"], copy_of=r["copy_of"])
                for r in rows}
