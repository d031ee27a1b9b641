"""What the LLM writer asks the model, and how its reply is read back into a headline, summary and takeaways."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from newsdesk.extract import normalise


@dataclass
class Draft:
    """What the model wrote, before any check."""

    headline: list[str] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    takeaways: list[str] = field(default_factory=list)

    def empty(self) -> bool:
        return not (self.headline or self.summary or self.takeaways)


# One user turn and no system message (Gemma's chat template has no system role), with a worked example of
# an invented event: small models follow an example better than instructions.
PREAMBLE = ("You are a careful news editor. Rewrite the source sentences about one news event as a headline, a "
            "short summary and key takeaways. Use only facts stated in the sources: never add a name, number, "
            "date or claim that is not in them.")

EXAMPLE = """Example.
Sources:
- [Dale Gazette] Heavy snow closed the Brenner mountain road on Tuesday, stranding 40 lorries.
- [North Wire] Police said 40 lorries were stuck on the Brenner road after Tuesday's snowfall.
- [Valley News] Snowploughs are expected to reopen the road on Wednesday morning.
HEADLINE: Snow closes Brenner road, stranding 40 lorries
SUMMARY: Heavy snow closed the Brenner mountain road on Tuesday and left 40 lorries stuck. Snowploughs are expected to reopen it on Wednesday morning.
TAKEAWAY: 40 lorries were stranded on the road.
TAKEAWAY: The road should reopen on Wednesday morning."""

INSTRUCTIONS = """Answer in the format of the example: one HEADLINE line, one SUMMARY line of two or three
sentences, then three to five TAKEAWAY lines, and nothing else."""


def build_messages(candidates: list[tuple[str, str]], titles: list[tuple[str, str]]) -> list[dict[str, str]]:
    """candidates and titles are (outlet, text) pairs."""
    lines = [PREAMBLE, "", EXAMPLE, "", "Now the story.", "Sources:"]
    lines += [f"- [{outlet}] {text}" for outlet, text in candidates]
    if titles:
        lines.append("Headlines of the outlets:")
        lines += [f"- [{outlet}] {text}" for outlet, text in titles]
    lines += ["", INSTRUCTIONS.replace("\n", " ")]
    return [{"role": "user", "content": "\n".join(lines)}]


_SECTIONS = {"headline": "headline", "title": "headline", "summary": "summary", "takeaway": "takeaways",
             "takeaways": "takeaways", "key takeaways": "takeaways", "key takeaway": "takeaways",
             "key points": "takeaways", "key point": "takeaways", "key facts": "takeaways",
             "key fact": "takeaways", "bullets": "takeaways"}
_LABEL = re.compile(r"^[\s#>*_•\-]*(?:\d+[.)]\s*)?(key takeaways?|key points?|key facts?|takeaways?|headline|"
                    r"title|summary|bullets)\b[\s*_]*(?:[:：]|$)[\s*_]*(.*)$", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-*•–]+|\d+[.)])\s+")
_DECORATION = re.compile(r"^[\s*_\"“”'`]+|[\s*_\"“”'`]+$")


_OUTLET = re.compile(r"^\[[^\]]{1,80}\]\s*")


def _clean(line: str) -> str:
    line = _OUTLET.sub("", _BULLET.sub("", line))
    line = _DECORATION.sub("", line)
    line = re.sub(r"\*\*|__", "", line)
    return re.sub(r"\s+", " ", line).strip()


def _as_list(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _parse_json(reply: str) -> Draft | None:
    start, end = reply.find("{"), reply.rfind("}")
    if start < 0 or end <= start:
        return None
    try:
        data = json.loads(reply[start:end + 1])
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    draft = Draft()
    for key, value in data.items():
        part = _SECTIONS.get(str(key).strip().lower())
        if part:
            getattr(draft, part).extend(_clean(v) for v in _as_list(value) if _clean(v))
    return None if draft.empty() else draft


def parse_reply(reply: str) -> Draft:
    """The headline, summary and takeaways of a reply in the asked line format, in JSON, or in the markdown
    small models tend to write instead. A reply with no section at all is taken as summary prose (a base
    model continues the sources rather than answer); otherwise lines outside any section are ignored."""
    parsed = _parse_json(reply)
    if parsed is not None:
        return parsed
    draft = Draft()
    part = ""
    prose: list[str] = []
    for raw in normalise(reply).splitlines():
        match = _LABEL.match(raw)
        if match:
            part = _SECTIONS[match.group(1).lower()]
            rest = _clean(match.group(2))
        else:
            rest = _clean(raw)
        if not rest:
            continue
        if not part:
            if not rest.endswith(":") and re.search(r"[A-Za-z]{2}", rest):
                prose.append(rest)
            continue
        if part == "headline" and draft.headline:
            continue   # a second headline line is not asked for
        getattr(draft, part).append(rest)
    if draft.empty():
        draft.summary = prose
    return draft
