"""How far the demo figure of "new fact" holds on events it was not tuned on: leave one demo event out, choose
the FactConfig thresholds on the others (the best F1 of those with precision >= 0.8, as they were chosen),
score the event left out, and sum. `python -m newsdesk_lab.reading.crossval` prints the held-out and the in-
sample figures and the thresholds each fold chose."""

from __future__ import annotations

import itertools
import json
from dataclasses import replace

from newsdesk.demo import load_corpus
from newsdesk.reading import FactConfig, FactFinder

from newsdesk_lab.reading.evaluate import Score, _demo_reports, _predict, default_labels

GRID = {"close": (0.55, 0.6, 0.65, 0.7), "new_words": (3, 4, 5), "nearby_words": (0.3, 0.4, 0.5, 1.01)}


def _scores(config: FactConfig, cases: list[dict], corpus) -> dict[str, Score]:
    finder = FactFinder(config=config)
    found = {}
    for case in cases:
        seen, arriving = _demo_reports(corpus, case)
        score = Score()
        for label, (_, shown, _, _) in zip(case["labels"], _predict(finder, seen, arriving)):
            score.add(label == "N", shown)
        found[case["case"]] = score
    return found


def _total(scores: list[Score]) -> Score:
    total = Score()
    for s in scores:
        total.tp, total.fp, total.fn, total.tn = total.tp + s.tp, total.fp + s.fp, total.fn + s.fn, total.tn + s.tn
    return total


def crossval(precision_floor: float = 0.8) -> dict:
    cases = json.loads(default_labels().read_text(encoding="utf-8"))["cases"]
    corpus = load_corpus()
    configs = [replace(FactConfig(), **dict(zip(GRID, values))) for values in itertools.product(*GRID.values())]
    table = {i: _scores(config, cases, corpus) for i, config in enumerate(configs)}
    events = sorted({case["event"] for case in cases})
    held_out: list[Score] = []
    chosen = {}
    for event in events:
        train = [c["case"] for c in cases if c["event"] != event]
        test = [c["case"] for c in cases if c["event"] == event]

        def fitness(i: int) -> tuple:
            s = _total([table[i][c] for c in train])
            return (s.precision >= precision_floor, s.f1)

        best = max(table, key=fitness)
        chosen[event] = {k: getattr(configs[best], k) for k in GRID}
        held_out.append(_total([table[best][c] for c in test]))
    default = next(i for i, c in enumerate(configs) if all(getattr(c, k) == getattr(FactConfig(), k) for k in GRID))
    return {"held_out": _total(held_out).figures(), "in_sample": _total(list(table[default].values())).figures(),
            "chosen": chosen}


if __name__ == "__main__":
    print(json.dumps(crossval(), indent=1))
