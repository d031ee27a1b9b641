"""Articles written for these tests: two earthquakes (similar but different events), a football transfer, and
a wire reprint. Places and people are invented."""

from datetime import datetime, timedelta, timezone

T0 = datetime(2025, 3, 4, 6, 0, tzinfo=timezone.utc)

QUAKE_A = [
    ("Strong earthquake kills 14 in Marrowfield",
     "A magnitude 6.2 earthquake struck the mountain town of Marrowfield early on Tuesday, killing at least 14 "
     "people and flattening dozens of stone houses, regional governor Ilse Brandvik said. Rescue teams from "
     "the Brandholm valley were digging through rubble near the old market square. The quake hit at 4:12 am "
     "at a depth of 10 km, the national seismic institute said."),
    ("Marrowfield quake: death toll rises as rescuers search rubble",
     "Rescuers in Marrowfield pulled two survivors from a collapsed school on Tuesday after the 6.2 magnitude "
     "quake that killed 14 people. Governor Ilse Brandvik asked for tents and blankets for more than 3,000 "
     "residents who spent the night outdoors. Aftershocks continued to rattle the Brandholm valley."),
    ("Governor Brandvik declares emergency after Marrowfield earthquake",
     "Ilse Brandvik, governor of the region, declared a state of emergency in Marrowfield on Tuesday. The "
     "earthquake of magnitude 6.2 destroyed the old market square and killed 14 people, officials said, and "
     "army helicopters flew the injured to hospitals outside the Brandholm valley."),
]

QUAKE_B = [
    ("Moderate quake shakes Quillon Bay, three injured",
     "A magnitude 5.1 earthquake shook the coastal city of Quillon Bay on Tuesday afternoon, injuring three "
     "people and cracking the walls of the harbour lighthouse, mayor Tomas Ferreira said. Ferries to Sable "
     "Island were suspended while engineers inspected the piers."),
    ("Quillon Bay lighthouse damaged in 5.1 tremor",
     "The historic lighthouse of Quillon Bay was closed after Tuesday's 5.1 magnitude tremor left cracks in "
     "its tower. Mayor Tomas Ferreira said three people were treated for light injuries and ferry services "
     "to Sable Island would resume once the piers are declared safe."),
    ("Ferries to Sable Island halted after Quillon Bay earthquake",
     "Ferry operator Bluewake halted sailings between Quillon Bay and Sable Island after a magnitude 5.1 "
     "earthquake on Tuesday. Mayor Tomas Ferreira said the harbour piers would be inspected overnight; three "
     "people suffered minor injuries."),
]

TRANSFER = [
    ("Rovers sign striker Jalen Okafor for record fee",
     "Northport Rovers have signed striker Jalen Okafor from Kestrel Town for a club-record fee of 18 million "
     "pounds, the club announced on Tuesday. Okafor, 24, scored 21 league goals last season and agreed a "
     "five-year contract."),
    ("Okafor completes record move to Northport Rovers",
     "Jalen Okafor has completed his move to Northport Rovers after passing a medical, ending weeks of talks "
     "with Kestrel Town. The 24-year-old forward joins for 18 million pounds and signed until 2030."),
]

# A wire story reprinted by another outlet under a new headline, with a trimmed ending.
REPRINT = ("Fourteen dead as earthquake hits mountain town",
           "A magnitude 6.2 earthquake struck the mountain town of Marrowfield early on Tuesday, killing at least "
           "14 people and flattening dozens of stone houses, regional governor Ilse Brandvik said. Rescue teams "
           "from the Brandholm valley were digging through rubble near the old market square.")


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)
