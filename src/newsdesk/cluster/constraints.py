"""What people said about pairs of articles, as the online grouper keeps to it: a must-link pair ends in one
story (the second article goes to the first's story whatever the model says), a cannot-link pair never does
(a story holding one is no candidate for the other, and two stories holding one each are never merged)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from newsdesk.cluster.features import ArticleRep, Story, pair_features

MUST, CANNOT = "must", "cannot"


class LinkConstraints:
    def __init__(self, links: Iterable[tuple[str, int | str, int | str]] = ()) -> None:
        self.must: dict[int | str, set] = {}
        self.cannot: dict[int | str, set] = {}
        for kind, a, b in links:
            table = self.must if kind == MUST else self.cannot
            table.setdefault(a, set()).add(b)
            table.setdefault(b, set()).add(a)
        self.where: dict[int | str, int] = {}       # constrained article → the clusterer's story it went into

    def __contains__(self, article) -> bool:
        return article in self.must or article in self.cannot

    def __len__(self) -> int:
        return sum(len(v) for v in self.must.values()) // 2 + sum(len(v) for v in self.cannot.values()) // 2

    def placed(self, article, story_id: int) -> None:
        if article in self:
            self.where[article] = story_id

    def _stories_of(self, articles: Iterable, resolve: Callable[[int], int]) -> set[int]:
        return {resolve(self.where[a]) for a in articles if a in self.where}

    def allows(self, article, story_id: int, resolve: Callable[[int], int]) -> bool:
        return story_id not in self._stories_of(self.cannot.get(article, ()), resolve)

    def allows_merge(self, story_a: int, story_b: int, resolve: Callable[[int], int]) -> bool:
        for article, others in self.cannot.items():
            if article in self.where and resolve(self.where[article]) == story_a:
                if story_b in self._stories_of(others, resolve):
                    return False
        return True

    def constrain(self, article, rep: ArticleRep, stories: list[Story], X: np.ndarray, probs: np.ndarray,
                  active: dict[int, Story], vocab, resolve: Callable[[int], int], sure: float = 1.0
                  ) -> tuple[list[Story], np.ndarray, np.ndarray]:
        """The candidates the links leave for `article`: the story of a must-link partner alone, scored `sure`
        (a score every bar accepts), else the candidates without the stories of its cannot-link partners."""
        if article not in self:
            return stories, X, probs
        for story_id in self._stories_of(self.must.get(article, ()), resolve):
            story = active.get(story_id)
            if story is not None and self.allows(article, story_id, resolve):
                forced, _ = pair_features(rep, [story], vocab)
                return [story], forced, np.full(1, sure)
        keep = [i for i, s in enumerate(stories) if self.allows(article, s.id, resolve)]
        return [stories[i] for i in keep], X[keep], probs[keep]
