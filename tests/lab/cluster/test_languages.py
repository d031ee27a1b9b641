"""`eval clustering` reads a record's `lang` (ISO 639-1 or 639-3) and detects it where absent, title-only
records included."""

import json

from newsdesk_lab.cluster.data import iter_jsonl, write_jsonl


def _write(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def test_a_given_lang_is_kept_as_its_two_letter_code(tmp_path):
    path = tmp_path / "given.jsonl"
    _write(path, [{"id": "a", "title": "Séisme au large de la côte", "event": "1", "lang": "fra"},
                  {"id": "b", "title": "Sismo frente a la costa", "event": "1", "lang": "es"}])
    assert [a.lang for a in iter_jsonl(path)] == ["fr", "es"]


def test_a_missing_lang_is_detected_from_the_title_alone(tmp_path):
    path = tmp_path / "detected.jsonl"
    _write(path, [{"id": "a", "title": "Erdbeben vor der Küste, Tsunamiwarnung aufgehoben", "event": "1"},
                  {"id": "b", "title": "Earthquake strikes off the coast, tsunami warning lifted", "event": "1"}])
    assert [a.lang for a in iter_jsonl(path)] == ["de", "en"]


def test_the_lang_is_written_back_out(tmp_path):
    path, again = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    _write(path, [{"id": "a", "title": "Un terremoto sacude la costa", "event": "1", "lang": "spa"}])
    write_jsonl(list(iter_jsonl(path)), again)
    assert json.loads(again.read_text(encoding="utf-8"))["lang"] == "es"
