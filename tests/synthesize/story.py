"""An invented event told by three outlets, and a fourth that reprints one of them."""

from datetime import datetime, timezone

from newsdesk.model import StoryArticle

LEDGER = StoryArticle(
    id=101, outlet="Hollinsport Ledger", published=datetime(2031, 11, 10, 6, 5, tzinfo=timezone.utc),
    url="https://ledger.example/levee",
    title="Hollin River levee fails, flooding 300 homes in Eastbank",
    text="""HOLLINSPORT — The Hollin River levee failed before dawn on Monday, flooding about 300 homes in the Eastbank district.
By Jane Doe
Some 2,000 residents were evacuated overnight and no deaths have been reported, county officials said.
Mayor Lena Ortiz declared a state of emergency at a news conference at city hall on Monday morning.
County engineer Amara Quill said the levee had last been inspected in 2019 and was due for repairs next spring.
The Eastbank primary school will stay closed for the rest of the week while volunteers clear the mud from its classrooms.
Read more: How the 2015 floods changed Hollinsport
Sign up for our morning newsletter to get the news in your inbox.""")

COURIER = StoryArticle(
    id=102, outlet="Valley Courier", published=datetime(2031, 11, 10, 7, 40, tzinfo=timezone.utc),
    url="https://courier.example/hollinsport-flood",
    title="Thousands evacuated after levee breach in Hollinsport",
    text="""About 2,000 people were evacuated from Hollinsport on Monday after a levee on the Hollin River gave way and flooded roughly 300 homes.
No one was killed, according to the county.
The river rose 2.5 metres in six hours after three days of heavy rain across the valley, the weather service said.
Mayor Lena Ortiz declared a state of emergency and asked residents to stay away from the Eastbank district.
Local insurers said most of the affected homeowners do not carry flood cover, leaving many facing large repair bills.
Photo: Residents wade through flood water on Dock Street (Valley Courier/Staff)""")

MERIDIAN = StoryArticle(
    id=103, outlet="Meridian Press Agency", published=datetime(2031, 11, 10, 9, 15, tzinfo=timezone.utc),
    url="https://meridian.example/wire/levee",
    title="Levee collapse floods Hollinsport homes; 2,000 evacuated",
    text="""HOLLINSPORT, Nov 10 (Meridian) — A levee on the Hollin River collapsed early on Monday, sending water into about 300 homes in Hollinsport's Eastbank neighbourhood.
Roughly 2,000 residents were moved to shelters and there were no reports of deaths.
The river had climbed 2.5 metres in six hours following three days of rain.
County engineer Amara Quill said the structure was last inspected in 2019.
The National Guard sent 40 soldiers and six boats to help with the rescue work on Monday afternoon.
(With agency inputs)
— Meridian Press Agency""")

REPRINT = StoryArticle(
    id=104, outlet="Riverside Daily", published=datetime(2031, 11, 10, 10, 30, tzinfo=timezone.utc),
    url="https://riverside.example/news/levee-collapse",
    title="Levee collapse floods Hollinsport homes; 2,000 evacuated",
    text=MERIDIAN.text, is_reprint=True, original_id=103)

STORY = [REPRINT, COURIER, MERIDIAN, LEDGER]
