import pytest

from newsdesk.synthesize.standalone import needs_context


@pytest.mark.parametrize("sentence", [
    "He served two terms as the harbour master before the council appointed him.",
    "She told the committee that the shares had been declared in March.",
    "They were about the only ones who stayed behind when the river rose.",
    "It blamed a fault in the signalling software for the delays.",
    "His lawyers said the appeal would be filed within the month.",
    "This comes after three weeks of talks between the two unions.",
    "Those affected will be contacted by the bank within a week.",
    "But the regulator said it had not been told of the breach.",
    "And the mayor's proof was that she never signed the contract.",
    "However, the council has yet to publish the full report.",
    "Meanwhile the ferry company cancelled every crossing until Friday.",
    "The move effectively postpones the fight over the budget by two months.",
    "The company said the outage had been fixed by the early afternoon.",
    "Not everyone was so forgiving of the delay at the port.",
    "Others said the fine was far too small to change anything.",
    "Here's the thing: nobody on the ground was steering the probe.",
    "What wasn't taken: passwords, card numbers and home addresses.",
    "“We will rebuild every house on this street,” he said on the radio.",
    "“The numbers do not add up,” she told reporters outside the court.",
    "which is why the vote was delayed until the new year.",
    "“It's over,” they said as the last of the crews left the mountain.",
    "“I will not let this become a distraction from the work of the council.”",
    "Here’s what you need to know about the new timetable.",
    "Because the old bridge was closed to lorries for most of the year.",
    "The county seems unable to do so before the spring floods arrive.",
    "Masks should remain mandatory on the ferries as well, according to the board.",
    "In the chapel, both his grandfather and his father lie buried beside the altar.",
    "\"The hall was silent for an hour and then it erupted. We had done it.\"",
    "First, a two-year price freeze on every contract the network sells.",
    "Finally, the operator will close its call centre in the capital.",
])
def test_a_sentence_pointing_back_needs_context(sentence):
    assert needs_context(sentence)


@pytest.mark.parametrize("sentence", [
    "The Harbour Council voted on Tuesday to close the old ferry terminal.",
    "Mrs Calloway resigned as transport minister over shares she had not declared.",
    "A magnitude 6.1 earthquake struck the coastal town of Vell before dawn.",
    "Police arrested two men in connection with the theft of the paintings.",
    "“We will rebuild every house on this street,” the mayor said on the radio.",
    "Heavy rain flooded the lower town for the second time in a month.",
    "Theodora Wren, the mission's chief engineer, said the probe was safe.",
    "Thousands of passengers were stranded at the airport overnight.",
    "Italy's central bank left its forecast unchanged.",
    "Some 300 homes lost power after the storm brought down lines near the bay.",
    "Because of the storm, every ferry to the islands was cancelled on Sunday.",
    "The mayor said the pier would reopen as well as the market hall by Easter.",
    "Residents accused Councillor Amos Reyes of ignoring her warnings about the dam.",
    "First Minister Iona Bell opened the new ferry terminal on Monday.",
    "",
])
def test_a_sentence_that_names_what_it_says_stands_alone(sentence):
    assert not needs_context(sentence)
