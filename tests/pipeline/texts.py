"""Article text written for these tests (invented places and people)."""

FERRY = [
    "The ferry company serving the Oriel Sound islands will add a second daily crossing from the first week of "
    "December, after months of complaints from residents who said the single boat left them stranded.",
    "Its operations director, Lucan Drever, said a refitted vessel would sail each afternoon at four o'clock, "
    "returning from the outer harbour an hour later, and that fares would not change this winter.",
    "Islanders had collected more than two thousand signatures asking for the extra service, arguing that "
    "school pupils and hospital patients were spending nights on the mainland when the morning boat was full.",
    "The regional council, which subsidises the route, agreed to cover the additional fuel costs until March, "
    "when a review of the timetable is due to be published.",
]

LIBRARY = [
    "Brackwater's central library reopened on Saturday after a two-year renovation that added a children's "
    "wing, a recording studio and longer evening hours on weekdays.",
    "Hundreds of visitors queued before the doors opened, and librarians said more than four hundred new cards "
    "were issued before lunch, a record for a single day.",
    "The building's original reading room, dating from the nineteenth century, kept its oak shelves and painted "
    "ceiling, which restorers cleaned by hand over eight months.",
    "The town's mayor, Nadia Brunel, said the project had come in slightly under its budget of eleven million "
    "crowns and thanked the volunteers who moved the collection to temporary rooms.",
]

WIRE = [
    "Engineers at the Tallis Ridge observatory said on Monday they had completed the installation of a new "
    "mirror for the main telescope, ending a three-year project delayed by supply problems.",
    "The mirror, four metres across, was cast abroad and carried up the mountain road in a convoy of specially "
    "adapted trucks over two nights in September, the observatory said in a statement.",
    "Director Adaeze Holm said the first images would be taken in January, once the instrument had been "
    "aligned and tested, and that astronomers from nine countries had already booked observing time.",
    "The project cost about sixty million crowns, shared between the national science fund and a group of "
    "universities, according to figures released with the announcement.",
    "Local hotels expect a rise in visitors when the observatory opens its new public gallery next spring.",
]
