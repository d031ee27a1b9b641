"""Project-written reports of one developing matter over a month (the Kestrel Bay harbour bridge: closed,
a repair contract, reopened) and of unrelated events, each by several invented outlets."""

from datetime import timedelta

from newsdesk.timeutil import utcnow

START = (utcnow() - timedelta(days=45)).replace(minute=0, second=0, microsecond=0)

BRIDGE_CLOSED = [
    ("Coastal Wire", "Kestrel Bay Harbour Bridge closed after inspectors find cracked girders",
     "Kestrel Bay council closed the Harbour Bridge to all traffic on Thursday after inspectors found cracks in "
     "two steel girders under the main span. Council engineer Miriam Oduya said the bridge would stay shut until "
     "repairs were agreed. About 18,000 vehicles cross the Harbour Bridge each day, and buses will be diverted "
     "through the Quayside tunnel."),
    ("Bay Herald", "Cracked girders force closure of Kestrel Bay's Harbour Bridge",
     "The Harbour Bridge in Kestrel Bay was closed on Thursday when inspectors found cracked steel girders "
     "beneath its main span, the council said. Engineer Miriam Oduya told reporters the crossing would remain "
     "closed until a repair plan was in place. Commuters face long detours through the Quayside tunnel."),
    ("Northern Ledger", "Kestrel Bay shuts Harbour Bridge over girder cracks",
     "Kestrel Bay council shut the Harbour Bridge on Thursday after an inspection found cracks in two girders. "
     "Miriam Oduya, the council's engineer, said no date had been set for reopening. The bridge carries some "
     "18,000 vehicles a day."),
]
BRIDGE_CONTRACT = [
    ("Coastal Wire", "Kestrel Bay awards Harbour Bridge repair contract to Dunlin Engineering",
     "Kestrel Bay council awarded a 4.2 million contract to Dunlin Engineering on Monday to replace the cracked "
     "girders of the Harbour Bridge, closed since inspectors found the damage. Council engineer Miriam Oduya "
     "said work would start next week and take about three weeks."),
    ("Bay Herald", "Dunlin Engineering to repair Kestrel Bay's closed Harbour Bridge",
     "Dunlin Engineering will repair the closed Harbour Bridge in Kestrel Bay under a 4.2 million contract "
     "agreed by the council on Monday. The firm will replace two cracked girders under the main span, engineer "
     "Miriam Oduya said, and the bridge could reopen within a month."),
]
BRIDGE_REOPENED = [
    ("Coastal Wire", "Kestrel Bay Harbour Bridge reopens after girder repairs",
     "The Harbour Bridge in Kestrel Bay reopened to traffic on Wednesday after Dunlin Engineering replaced two "
     "cracked girders under its main span. Council engineer Miriam Oduya said the repairs had finished two days "
     "early. The bridge had been closed for a month."),
    ("Northern Ledger", "Traffic returns to Kestrel Bay's Harbour Bridge as repairs end",
     "Cars and buses crossed the Harbour Bridge in Kestrel Bay again on Wednesday when it reopened after a "
     "month of repairs to its cracked girders. Dunlin Engineering finished the work ahead of schedule, the "
     "council engineer Miriam Oduya said."),
    ("Bay Herald", "Harbour Bridge open again in Kestrel Bay",
     "Kestrel Bay's Harbour Bridge is open again. The council said on Wednesday that Dunlin Engineering had "
     "replaced the cracked girders that closed the crossing a month ago, and bus routes return to normal."),
]
ORCHARD = [
    ("Coastal Wire", "Pellham orchards report record apple harvest",
     "Apple growers in the Pellham valley picked a record crop this autumn, the growers' cooperative said on "
     "Tuesday, after a warm spring and a dry summer. The cooperative expects prices for cider apples to fall."),
    ("Northern Ledger", "Record apple crop for Pellham valley growers",
     "Pellham valley orchards harvested more apples this year than ever before, their cooperative said on "
     "Tuesday. A warm spring and little rain in summer lifted yields, and cider apple prices are expected to "
     "fall."),
]
CHESS = [
    ("Bay Herald", "Teenager Ilse Varga wins national chess title in Dornholt",
     "Sixteen-year-old Ilse Varga won the national chess championship in Dornholt on Sunday, beating the "
     "defending champion in the final round. Varga is the youngest champion in the tournament's history."),
    ("Northern Ledger", "Ilse Varga, 16, becomes youngest national chess champion",
     "Ilse Varga became the youngest national chess champion on Sunday when she won the final round of the "
     "championship in Dornholt against the defending title holder."),
]


def rows() -> list[dict]:
    """The reports as JSONL rows for `newsdesk ingest`, in time order: the bridge closes (day 0), an unrelated
    harvest (day 2), the repair contract (day 9), a chess title (day 20), the bridge reopens (day 30)."""
    out = []
    for day, reports in ((0, BRIDGE_CLOSED), (2, ORCHARD), (9, BRIDGE_CONTRACT), (20, CHESS), (30, BRIDGE_REOPENED)):
        for n, (outlet, title, text) in enumerate(reports):
            out.append({"title": title, "text": text, "source": outlet,
                        "published": (START + timedelta(days=day, hours=n)).isoformat()})
    return out
