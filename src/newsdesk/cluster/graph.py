"""An HNSW index (hnswlib) as bytes without the vectors it holds, and back with the vectors given again: a
restart loads the graph instead of building it anew (building costs about a millisecond an article), and the
vectors are kept once, by the caller. Only the format hnswlib itself pickles (its `__getstate__`) is read."""

from __future__ import annotations

import json
import struct

import numpy as np

_LEN = struct.Struct("<I")


class GraphError(ValueError):
    """Bytes that are not a graph this hnswlib can load: the index is built again instead."""


def graph_bytes(index) -> bytes:
    state = index.__getstate__()[0]
    count, size = state["cur_element_count"], state["size_data_per_element"]
    at, width = state["offset_data"], state["dim"] * 4
    rows = np.asarray(state["data_level0"], dtype=np.int8)[: count * size].reshape(count, size)
    arrays = {"level0": np.ascontiguousarray(np.concatenate([rows[:, :at], rows[:, at + width:]], axis=1)),
              "element_levels": np.asarray(state["element_levels"])[:count],
              "label_lookup_external": np.asarray(state["label_lookup_external"]),
              "label_lookup_internal": np.asarray(state["label_lookup_internal"]),
              "link_lists": np.asarray(state["link_lists"])}
    head = {"state": {k: v for k, v in state.items() if not isinstance(v, np.ndarray)},
            "arrays": [[name, a.dtype.str, list(a.shape)] for name, a in arrays.items()]}
    text = json.dumps(head).encode("utf-8")
    return _LEN.pack(len(text)) + text + b"".join(a.tobytes() for a in arrays.values())


def graph_labels(blob: bytes) -> np.ndarray:
    """The labels (keys) the graph holds, by its internal order."""
    state, arrays = _unpack(blob)
    at = state["offset_data"]
    return np.ascontiguousarray(arrays["level0"][:, at:at + 8]).view(np.uint64).reshape(-1)


def index_from_graph(blob: bytes, vectors: np.ndarray, max_elements: int):
    """The index saved as `blob`, its vectors given in the order of `graph_labels` (float32, unit length)."""
    import hnswlib

    state, arrays = _unpack(blob)
    count, size = state["cur_element_count"], state["size_data_per_element"]
    at, width = state["offset_data"], state["dim"] * 4
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if vectors.shape != (count, state["dim"]) or max_elements < count:
        raise GraphError(f"the graph holds {count} vectors of {state['dim']}, not {vectors.shape}")
    level0 = np.zeros((count, size), dtype=np.int8)
    level0[:count, :at] = arrays["level0"][:, :at]
    level0[:count, at:at + width] = vectors.view(np.int8).reshape(count, width)
    level0[:count, at + width:] = arrays["level0"][:, at:]
    levels = np.zeros(max_elements, dtype=arrays["element_levels"].dtype)
    levels[:count] = arrays["element_levels"]
    full = {**state, "max_elements": max_elements, "data_level0": level0.reshape(-1), "element_levels": levels,
            "label_lookup_external": arrays["label_lookup_external"],
            "label_lookup_internal": arrays["label_lookup_internal"], "link_lists": arrays["link_lists"]}
    index = hnswlib.Index.__new__(hnswlib.Index)     # __setstate__ initialises it, as unpickling does
    try:
        index.__setstate__((full,))
    except (RuntimeError, ValueError, KeyError, TypeError) as exc:
        raise GraphError(f"hnswlib could not load the graph: {exc}") from exc
    return index


def _unpack(blob: bytes) -> tuple[dict, dict[str, np.ndarray]]:
    try:
        (n,) = _LEN.unpack_from(blob)
        head = json.loads(blob[_LEN.size:_LEN.size + n])
        at = _LEN.size + n
        arrays = {}
        for name, dtype, shape in head["arrays"]:
            count = int(np.prod(shape)) if shape else 1
            arrays[name] = np.frombuffer(blob, dtype=np.dtype(dtype), count=count, offset=at).reshape(shape).copy()
            at += arrays[name].nbytes
        return head["state"], arrays
    except (struct.error, ValueError, KeyError, TypeError) as exc:
        raise GraphError(f"not a saved graph: {exc}") from exc
