"""The home page's marks: changes since a read counted from article ids, outlets and revision times; the wording."""

from datetime import datetime, timedelta, timezone

from newsdesk.model import ArticleOutline, ChangeMark, FigureChange, NewReport, StoryChanges, StoryRead
from newsdesk.reading import change_mark, change_marks, changes_line, figure_line, mark_line

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)
READ = T0 + timedelta(hours=2)


def outline(article_id, outlet, minutes, original=None, revised=None):
    return ArticleOutline(article_id, outlet, original, T0 + timedelta(minutes=minutes), revised)


STORY = [outline(1, "Wire", 0), outline(2, "Herald", 30, revised=READ + timedelta(hours=1)),
         outline(3, "Courier", 200), outline(4, "Post", 210), outline(5, "Herald", 220),
         outline(6, "Gazette", 230, original=1), outline(7, "Wire", 20, revised=READ - timedelta(minutes=5))]


def test_counts_new_sources_more_reports_reprints_and_updates():
    mark = change_mark(10, STORY, StoryRead(10, READ, [1, 2, 7], False))
    assert (mark.new_sources, mark.new_reports, mark.new_reprints, mark.updated_reports) == (2, 3, 1, 1)
    assert mark.changed
    assert mark_line(mark) == "2 new sources, 1 more report, 1 reprint, 1 report updated"


def test_a_read_naming_no_articles_counts_those_seen_by_then():
    mark = change_mark(10, STORY, StoryRead(10, READ, [], False))
    assert (mark.new_sources, mark.new_reports, mark.new_reprints) == (2, 3, 1)


def test_nothing_changed_reads_empty():
    mark = change_mark(10, STORY[:2], StoryRead(10, READ + timedelta(hours=2), [1, 2], False))
    assert not mark.changed and mark_line(mark) == ""
    only_reprint = change_mark(10, [STORY[0], STORY[5]], StoryRead(10, READ, [1], False))
    assert not only_reprint.changed and mark_line(only_reprint) == "1 reprint"


def test_marks_for_many_stories_skip_those_never_read():
    reads = {10: StoryRead(10, READ, [1, 2, 7], False), 11: StoryRead(11, None, [], True)}
    marks = change_marks({10: STORY, 11: STORY}, reads)
    assert list(marks) == [10]
    assert marks[10] == ChangeMark(10, READ, 2, 3, 1, 1)


def test_the_block_line():
    report = NewReport(3, "Courier", "t", T0)
    changes = StoryChanges(READ, [1], [report, NewReport(5, "Herald", "t", T0, new_outlet=False)],
                           [NewReport(6, "Gazette", "t", T0, new_outlet=False, reprint_of=1)], [], 
                           [FigureChange("deaths", ["2"], ["3"], 5, "Herald"),
                            FigureChange("without_power", [], ["1100"], 5, "Herald")], [], False)
    assert changes_line(changes) == ("1 new source (+1 reprint), 1 more report, deaths 2 → 3, "
                                     "without power: 1,100")
    assert figure_line("injured", ["41"], ["46", "48"]) == "injured 41 → 46 or 48"
