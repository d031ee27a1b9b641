"""Coverage by side: labels in admin-defined groups, counted per story over independent sources, blindspots;
in storage (SQLite and PostgreSQL), OPML, the CLI."""

import json

import pytest
from typer.testing import CliRunner

from newsdesk.coverage import LabelError, parse_group_labels, parse_labels, story_coverage
from newsdesk.pipeline import Subscriptions, blindspot_stories, stories_coverage
from newsdesk.storage import LabelInUse, open_storage
from tests.coverage.story_desk import make_ferry_desk

LEAN = {"lean": ["left", "centre", "right"]}


def test_counts_each_source_once_and_finds_the_label_with_none():
    labels = {1: {"lean": "left"}, 2: {"lean": "left"}, 3: {"lean": "centre"}, 4: {"lean": "right"}}
    coverage = story_coverage([1, 2, 3, 1], labels, LEAN)
    assert coverage.counts == {"lean": {"left": 2, "centre": 1, "right": 0}}
    assert coverage.blindspots == {"lean": ["right"]}


def test_one_labelled_source_is_no_blindspot():
    assert story_coverage([1], {1: {"lean": "left"}}, LEAN).blindspots == {}


def test_a_story_every_side_covers_has_no_blindspot():
    labels = {1: {"lean": "left"}, 2: {"lean": "centre"}, 3: {"lean": "right"}}
    assert story_coverage([1, 2, 3], labels, LEAN).blindspots == {}


def test_unlabelled_sources_are_counted_apart():
    assert story_coverage([1, 2], {1: {"lean": "left"}}, LEAN).unlabelled == 1


def test_labels_are_read_as_group_equals_label():
    assert parse_labels("Lean=Left; country = UK, owner=") == {"lean": "left", "country": "uk", "owner": None}


@pytest.mark.parametrize("text", ["lean", "le|an=left", "lean=left, lean=right", "=left"])
def test_a_label_that_cannot_be_used_is_refused(text):
    with pytest.raises(LabelError):
        parse_labels(text)


def test_a_group_needs_labels():
    with pytest.raises(LabelError):
        parse_group_labels(" | ")


# -- storage, both backends -------------------------------------------------------------------------------------

def test_a_source_carries_one_label_per_group(storage):
    source = storage.add_source("http://127.0.0.1:9/a.xml", title="A")
    storage.set_source_labels(source.id, {"lean": "left", "country": "uk"})
    storage.set_source_labels(source.id, {"lean": "right"})
    assert storage.get_source(source.id).labels == {"lean": "right", "country": "uk"}


def test_a_label_is_taken_off_with_none(storage):
    source = storage.add_source("http://127.0.0.1:9/a.xml", title="A")
    storage.set_source_labels(source.id, {"lean": "left", "country": "uk"})
    storage.set_source_labels(source.id, {"country": None})
    assert storage.get_source(source.id).labels == {"lean": "left"}


def test_new_labels_join_their_group_in_the_order_first_used(storage):
    a = storage.add_source("http://127.0.0.1:9/a.xml").id
    b = storage.add_source("http://127.0.0.1:9/b.xml").id
    storage.set_source_labels(a, {"lean": "right"})
    storage.set_source_labels(b, {"lean": "left"})
    assert storage.label_groups() == {"lean": ["right", "left"]}


def test_a_defined_group_sets_the_order_and_only_used_labels_count(storage):
    a = storage.add_source("http://127.0.0.1:9/a.xml").id
    storage.set_source_labels(a, {"lean": "right"})
    storage.define_label_group("lean", ["left", "centre", "right"])
    assert storage.labels_in_use() == {"lean": ["right"]}


def test_a_group_cannot_leave_out_a_label_sources_carry(storage):
    a = storage.add_source("http://127.0.0.1:9/a.xml").id
    storage.set_source_labels(a, {"lean": "right"})
    with pytest.raises(LabelInUse):
        storage.define_label_group("lean", ["left"])
    assert storage.label_groups() == {"lean": ["right"]}


def test_removing_a_source_removes_its_labels(storage):
    a = storage.add_source("http://127.0.0.1:9/a.xml").id
    storage.set_source_labels(a, {"lean": "right"})
    storage.remove_source(a)
    assert storage.source_labels() == {}


def test_a_story_counts_its_independent_sources_not_reprints(storage):
    desk = make_ferry_desk(storage)
    for outlet, lean in (("Northport Herald", "left"), ("Coastal Times", "left"), ("Island Post", "centre"),
                         ("Wire Copy", "right")):
        storage.set_source_labels(desk.sources[outlet], {"lean": lean})
    storage.define_label_group("lean", ["left", "centre", "right"])
    coverage = stories_coverage(storage, [desk.ferry])[desk.ferry]
    assert coverage.counts == {"lean": {"left": 2, "centre": 1, "right": 0}}
    assert coverage.blindspots == {"lean": ["right"]}


def test_the_blindspot_list_holds_the_stories_with_one(storage):
    desk = make_ferry_desk(storage)
    for outlet, lean in (("Northport Herald", "left"), ("Coastal Times", "left"), ("Island Post", "centre"),
                         ("Wire Copy", "right")):
        storage.set_source_labels(desk.sources[outlet], {"lean": lean})
    found, total = blindspot_stories(storage)
    assert [story_id for story_id, _ in found] == [desk.ferry]
    assert total == 1


def test_without_labels_no_story_has_a_blindspot(storage):
    make_ferry_desk(storage)
    assert blindspot_stories(storage) == ([], 0)


def test_opml_carries_the_labels_out_and_in(storage, tmp_path):
    a = storage.add_source("http://127.0.0.1:9/a.xml", title="A").id
    storage.set_source_labels(a, {"lean": "left", "country": "uk"})
    exported = Subscriptions(storage).export_opml()
    other = open_storage(str(tmp_path / "other.db"))
    try:
        done = Subscriptions(other).import_opml(exported.encode())
        assert (done.added, done.labelled) == (1, 1)
        assert other.get_source("http://127.0.0.1:9/a.xml").labels == {"lean": "left", "country": "uk"}
    finally:
        other.close()


def test_opml_labels_that_cannot_be_used_leave_the_feed_subscribed(storage):
    opml = (b'<opml version="2.0"><body><outline text="A" xmlUrl="http://127.0.0.1:9/a.xml" '
            b'newsdeskLabels="lean"/></body></opml>')
    done = Subscriptions(storage).import_opml(opml)
    assert done.added == 1
    assert done.unlabelled[0][0] == "http://127.0.0.1:9/a.xml"


# -- the CLI, both backends -------------------------------------------------------------------------------------

def _cli(db_url, *args):
    from newsdesk.cli import app
    return CliRunner().invoke(app, ["--db", db_url, *args], env={"COLUMNS": "200"})


def test_cli_labels_a_source_and_the_story_json_shows_its_coverage(db_url):
    storage = open_storage(db_url)
    try:
        desk = make_ferry_desk(storage)
    finally:
        storage.close()
    assert _cli(db_url, "sources", "group", "lean", "left|centre|right").exit_code == 0
    for outlet, lean in (("Northport Herald", "left"), ("Coastal Times", "right"), ("Island Post", "right")):
        result = _cli(db_url, "sources", "label", str(desk.sources[outlet]), f"lean={lean}", "owner=trust")
        assert result.exit_code == 0, result.output
    doc = json.loads(_cli(db_url, "story", str(desk.ferry), "--json").output)
    assert doc["coverage"]["lean"] == {"left": 1, "right": 2}
    assert doc["blindspots"] == {}


def test_cli_lists_sources_with_their_labels(db_url):
    storage = open_storage(db_url)
    try:
        source = storage.add_source("http://127.0.0.1:9/a.xml", title="A")
        storage.set_source_labels(source.id, {"lean": "centre"})
    finally:
        storage.close()
    assert "lean=centre" in _cli(db_url, "sources").output


def test_cli_refuses_a_bad_label_in_one_line(db_url):
    storage = open_storage(db_url)
    try:
        source = storage.add_source("http://127.0.0.1:9/a.xml", title="A")
    finally:
        storage.close()
    result = _cli(db_url, "sources", "label", str(source.id), "lean")
    assert result.exit_code == 1
    assert "group=label" in result.output
