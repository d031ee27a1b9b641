"""What changed, in one line: the home page's mark ("3 new sources, 1 report updated") and the head of the
story page's block ("2 new sources (+1 reprint), 3 new facts, deaths 2 → 3")."""

from __future__ import annotations

from newsdesk.model import ChangeMark, StoryChanges

# How a figure's kind reads in a line ("deaths 2 → 3").
FIGURE_NAMES = {"deaths": "deaths", "injured": "injured", "missing": "missing", "arrested": "arrested",
                "evacuated": "evacuated", "displaced": "displaced", "rescued": "rescued",
                "affected": "affected", "without_power": "without power"}


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _number(value: str) -> str:
    return f"{int(value):,}" if value.isdigit() else value


def figure_line(kind: str, before: list[str], now: list[str]) -> str:
    """ "deaths 2 → 3"; "arrested: 3" for a figure not stated before."""
    name = FIGURE_NAMES.get(kind, kind.replace("_", " "))
    now_text = " or ".join(_number(v) for v in now)
    if not before:
        return f"{name}: {now_text}"
    return f"{name} {' or '.join(_number(v) for v in before)} → {now_text}"


def mark_line(mark: ChangeMark) -> str:
    """"3 new sources, 1 more report, 2 reprints, 1 report updated"; empty when nothing changed."""
    parts = []
    if mark.new_sources:
        parts.append(_count(mark.new_sources, "new source", "new sources"))
    if mark.new_reports > mark.new_sources:
        parts.append(_count(mark.new_reports - mark.new_sources, "more report", "more reports"))
    if mark.new_reprints:
        parts.append(_count(mark.new_reprints, "reprint", "reprints"))
    if mark.updated_reports:
        parts.append(_count(mark.updated_reports, "report updated", "reports updated"))
    return ", ".join(parts)


def changes_line(changes: StoryChanges) -> str:
    """"2 new sources (+1 reprint), 1 more report, 3 new facts, deaths 2 → 3, 1 report updated", or
    "Nothing new" (with the reprints that came, which bring nothing new)."""
    reprints = len(changes.new_reprints)
    reprint_note = f"+{_count(reprints, 'reprint', 'reprints')}" if reprints else ""
    if changes.nothing_new:
        return "Nothing new" + (f" ({reprint_note})" if reprint_note else "")
    parts = []
    sources = len(changes.new_sources)
    if sources:
        note = f" ({reprint_note})" if reprint_note else ""
        parts.append(_count(sources, "new source", "new sources") + note)
    elif reprint_note:
        parts.append(reprint_note)
    more = len(changes.new_reports) - sum(r.new_outlet for r in changes.new_reports)
    if more:
        parts.append(_count(more, "more report", "more reports"))
    if changes.new_facts:
        parts.append(_count(len(changes.new_facts), "new fact", "new facts"))
    parts += [figure_line(f.kind, f.before, f.now) for f in changes.figures]
    if changes.updates:
        parts.append(_count(len(changes.updates), "report updated", "reports updated"))
    return ", ".join(parts)
