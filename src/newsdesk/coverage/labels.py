"""Source labels as people write them: `group=label` pairs ("lean=left, country=uk"), checked."""

from __future__ import annotations

import re
from collections.abc import Iterable

from newsdesk.errors import NewsdeskError

_NAME = re.compile(r"^[\w][\w .'’&-]{0,39}$")
MAX_GROUPS = 20


class LabelError(NewsdeskError):
    """A label or label group that cannot be used, saying why."""


def check_name(value: str, what: str) -> str:
    """A group or label name, trimmed and lower-cased: letters, digits, spaces and . ' & - (up to 40)."""
    name = " ".join(value.split()).lower()
    if not _NAME.match(name):
        raise LabelError(f"{what} {value!r}: use up to 40 letters, digits, spaces or . ' & - "
                         "(not = , | or ;), starting with a letter or digit")
    return name


def parse_pairs(pairs: Iterable[str]) -> dict[str, str | None]:
    """`group=label` items into {group: label}; `group=` (nothing after) takes the label off (None)."""
    found: dict[str, str | None] = {}
    for pair in pairs:
        pair = pair.strip()
        if not pair:
            continue
        group, sep, label = pair.partition("=")
        if not sep:
            raise LabelError(f"{pair!r}: write a label as group=label (lean=left), or group= to take it off")
        group = check_name(group, "label group")
        if group in found:
            raise LabelError(f"label group {group!r} is given twice")
        found[group] = check_name(label, "label") if label.strip() else None
    if len(found) > MAX_GROUPS:
        raise LabelError(f"at most {MAX_GROUPS} label groups at once")
    return found


def parse_labels(text: str) -> dict[str, str | None]:
    """`lean=left, country=uk` (commas or semicolons between pairs) into {group: label}."""
    return parse_pairs(re.split(r"[,;]", text or ""))


def parse_group_labels(text: str) -> list[str]:
    """A group's labels in order, `left|centre|right` (or commas): at least one, each once."""
    labels = [check_name(part, "label") for part in re.split(r"[|,]", text or "") if part.strip()]
    if not labels:
        raise LabelError("give the group's labels in order, e.g. left|centre|right")
    return list(dict.fromkeys(labels))


def format_labels(labels: dict[str, str]) -> str:
    """{group: label} as `group=label, …` (what parse_labels reads)."""
    return ", ".join(f"{group}={label}" for group, label in sorted(labels.items()))
