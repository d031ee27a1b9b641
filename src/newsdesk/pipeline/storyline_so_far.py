"""The story so far of the storylines an update changed, told through the LLM writer when the desk has one
(`llm_url`) and stored with the key of the events it was told from: a storyline page shows it while its
events still say the same, and the extractive story so far otherwise."""

from __future__ import annotations

from collections.abc import Iterable

from newsdesk.storage import Storage
from newsdesk.synthesize import LLMWriter, llm_so_far, so_far_json, so_far_sources, stored_so_far


def tell_so_far(storage: Storage, llm: LLMWriter, storyline_ids: Iterable[int], zone=None) -> int:
    """Tell each storyline's story so far again where its events changed; returns how many were told."""
    told = 0
    for storyline_id in sorted(set(storyline_ids)):
        events = [s for s in storage.storyline_events(storyline_id) if s.merged_into is None]
        sources = so_far_sources(events)
        if not sources or stored_so_far(storage.storyline_so_far(storyline_id), sources) is not None:
            continue
        storage.save_storyline_so_far(storyline_id, so_far_json(llm_so_far(llm, sources, zone), sources))
        told += 1
    return told
