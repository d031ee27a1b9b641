"""Where sources differ: figures compared by what they count, one value per report, bounds and background left
out, an outlet's own update superseding its earlier figure, and contradicting claims. Text written for these
tests (invented places and people)."""

from datetime import datetime, timedelta, timezone

from newsdesk.model import StoryArticle
from newsdesk.synthesize import differences, stated_figures, write_story
from newsdesk.synthesize.differ import money_claims

T0 = datetime(2026, 3, 2, 18, 0, tzinfo=timezone.utc)


def report(id, outlet, title, text, hours=0.0, **kw):
    return StoryArticle(id=id, outlet=outlet, title=title, text=text, published=T0 + timedelta(hours=hours), **kw)


def test_a_toll_two_outlets_give_differently_is_flagged_by_what_it_counts():
    found = differences([
        report(1, "Harbour Post", "Storm hits Kelby", "Two people died and 14 were injured when the storm hit Kelby."),
        report(2, "Valley Times", "Kelby storm", "The storm killed three people in Kelby, and 14 were hurt.", 1)])
    assert [d.what for d in found] == ["deaths"]
    assert found[0].latest == "3"
    assert [v.value for v in found[0].versions] == ["3", "2"]
    assert [s.outlet for s in found[0].versions[1].statements] == ["Harbour Post"]


def test_figures_that_agree_are_not_flagged_whatever_their_wording():
    found = differences([
        report(1, "Harbour Post", "Storm hits Kelby", "Two people died in the storm."),
        report(2, "Valley Times", "Two dead in Kelby storm", "The storm killed two people.", 1)])
    assert found == []


def test_a_bound_or_an_estimate_is_not_a_statement_of_the_figure():
    found = differences([
        report(1, "Harbour Post", "Storm hits Kelby", "At least two people died in the storm."),
        report(2, "Valley Times", "Kelby storm", "The storm killed three people.", 1)])
    assert found == []


def test_a_report_giving_two_values_of_one_figure_says_nothing_of_it():
    found = differences([
        report(1, "Harbour Post", "Storm hits Kelby", "Two people died in Kelby. Five people died in the region."),
        report(2, "Valley Times", "Kelby storm", "The storm killed three people.", 1)])
    assert found == []


def test_a_toll_of_another_year_is_background_not_a_conflict():
    found = differences([
        report(1, "Harbour Post", "Storm hits Kelby",
               "The storm killed two people. A flood in 2019 left nine people dead."),
        report(2, "Valley Times", "Kelby storm", "Two people died in the storm.", 1)])
    assert found == []


def test_a_count_of_part_of_the_dead_is_not_the_toll():
    found = differences([
        report(1, "Harbour Post", "Storm hits Kelby", "The storm killed two women on the coast road."),
        report(2, "Valley Times", "Kelby storm", "Six people died in the storm.", 1)])
    assert found == []


def test_an_outlets_update_supersedes_its_own_earlier_figure():
    found = differences([
        report(1, "Harbour Post", "Two dead in Kelby storm", "Two people died in the storm.", 0),
        report(2, "Valley Times", "Kelby storm toll rises to three", "The death toll rose to three.", 1,
               updated=T0 + timedelta(hours=9), first_title="Two dead in Kelby storm",
               first_text="Two people died in the storm.")])
    assert len(found) == 1
    latest, earlier = found[0].versions
    assert latest.value == "3"
    assert latest.statements[0].at == T0 + timedelta(hours=9)
    superseded = [s for s in earlier.statements if s.outlet == "Valley Times"]
    assert superseded[0].superseded_by == "3"
    assert [s.superseded_by for s in earlier.statements if s.outlet == "Harbour Post"] == [None]


def test_one_outlet_changing_its_figure_alone_is_an_update_not_sources_differing():
    found = differences([
        report(2, "Valley Times", "Kelby storm toll rises to three", "The death toll rose to three.", 1,
               updated=T0 + timedelta(hours=9), first_title="Two dead in Kelby storm",
               first_text="Two people died in the storm."),
        report(3, "Harbour Post", "Kelby storm", "The storm closed the coast road.", 2)])
    assert found == []


def test_a_reprint_is_not_an_independent_source():
    found = differences([
        report(1, "Harbour Post", "Storm hits Kelby", "Two people died in the storm."),
        report(2, "Valley Times", "Storm", "Three people died in the storm.", 1, is_reprint=True, original_id=9)])
    assert found == []


def test_sums_of_money_are_compared_by_their_noun():
    assert money_claims("Tallow Bank agreed to pay $44bn for Orrin Mutual.") == {}
    assert money_claims("The regulator fined Tallow Bank $10 million on Monday.") == {"fine": {"$10m"}}
    assert money_claims("a $12m fine") == {"fine": {"$12m"}}
    assert money_claims("faces a fine of up to $5bn") == {}
    assert money_claims("a settlement of £2.5bn") == {"settlement": {"£2.5bn"}}
    found = differences([
        report(1, "Harbour Post", "Tallow Bank fined", "The regulator fined Tallow Bank $10 million."),
        report(2, "Valley Times", "Bank penalty", "Tallow Bank must pay a $12m fine, the regulator said.", 1)])
    assert [(d.what, d.latest) for d in found] == [("fine", "$12m")]


def test_large_counts_are_shown_with_separators():
    assert stated_figures("The storm killed 1,200 people.") == {"deaths": "1,200"}
    assert stated_figures("About 4,200 homes were without power.") == {}


def test_a_claim_one_outlet_says_was_confirmed_and_another_denied_is_flagged():
    found = differences([
        report(1, "Harbour Post", "Minister quits", "Harriet Calloway confirmed that she had sold her shares in "
                                                      "Brackwell before the contract was signed."),
        report(2, "Valley Times", "Calloway row", "Calloway denied that she had sold her shares in Brackwell before "
                                                  "the contract was signed.", 1),
        report(3, "Courier", "Calloway", "Calloway denied any wrongdoing over the rail merger.", 2)])
    assert [d.what for d in found] == ["claim:Calloway"]
    assert {v.value: [s.outlet for s in v.statements] for v in found[0].versions} == {
        "denied": ["Valley Times"], "confirmed": ["Harbour Post"]}


def test_opposite_claims_about_different_things_are_not_flagged():
    found = differences([
        report(1, "Harbour Post", "Minister quits", "Calloway confirmed she would resign on Friday."),
        report(2, "Valley Times", "Calloway row", "Calloway denied any wrongdoing over the rail merger.", 1)])
    assert found == []


def test_the_written_page_carries_the_differences_and_its_summary_the_latest_figure():
    page = write_story([
        report(1, "Harbour Post", "Two dead as storm hits Kelby",
               "Two people died when the storm hit Kelby on Monday evening. Roofs were torn off along the coast."),
        report(2, "Valley Times", "Kelby storm death toll rises to three",
               "The death toll from the storm in Kelby rose to three on Tuesday after a body was found in a barn. "
               "Roofs were torn off along the coast road.", 12)])
    assert [d.what for d in page.differ] == ["deaths"]
    assert page.differ[0].latest == "3"
    assert not any("Two people died" in s.text for s in page.summary)
