"""Generated news in the demo corpus's style: invented countries, towns, people and firms, many distinct events
of a dozen kinds, each reported by several outlets in their own words (and now and then reprinted from the
wire). Deterministic for a seed; every word list here is the project's own.

Over 400 lines because most of it is data: the word lists and the sentence templates that use them, kept
together."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

_ONSETS = ["b", "br", "c", "d", "dr", "f", "g", "gr", "h", "k", "l", "m", "n", "p", "r", "s", "st", "t", "th",
           "tr", "v", "w", "z", "ald", "ost", "ver", "cal", "mor", "hal", "sel"]
_VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "ou", "y"]
_CODAS = ["n", "r", "l", "s", "th", "rn", "nd", "ck", "m", "x", "ll", "rd", "st", ""]
_PLACE_ENDS = ["ton", "by", "mouth", "field", "ford", "holm", "wick", "stead", "bridge", "haven", "moor", "port"]
_FIRM_KINDS = ["Telecom", "Holdings", "Energy", "Logistics", "Bank", "Pharma", "Motors", "Foods", "Airways",
               "Steel", "Insurance", "Systems", "Shipping", "Media", "Retail Group"]
_COUNTRIES = ["Aldermark", "Lorvenne", "Kestria", "Valdoria", "Ostmere", "Caradon", "Belmaris", "Thessary"]
_FIRST = ["Harriet", "Yusuf", "Ines", "Tomasz", "Adaeze", "Piet", "Mira", "Lucan", "Sofia", "Rafe", "Nadia",
          "Oskar", "Yara", "Callum", "Etienne", "Ravi", "Greta", "Anselm", "Dalia", "Marek", "Priya", "Hugo",
          "Leona", "Bram", "Celeste", "Dmitri", "Elin", "Farid", "Ilse", "Jonas", "Kaia", "Lorcan"]
_OUTLETS = ["Meridian Press Agency", "The Aldermark Chronicle", "The Daily Beacon", "The Fenwick Valley Gazette",
            "The Commerce Ledger", "Circuitry", "The Harbour Herald", "Northern Courier", "The Evening Standardbearer",
            "Radio Aldermark News", "The Capital Observer", "Valley Weekly"]
_WIRE = _OUTLETS[0]
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _word(rng: random.Random, syllables: int) -> str:
    parts = [rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(syllables)]
    return "".join(parts).capitalize()


@dataclass
class Facts:
    """What one event is about: the names and numbers its reports share."""
    kind: str
    country: str
    place: str
    region: str
    person: str
    role_person: str
    expert: str
    firm: str
    rival: str
    n1: int
    n2: int
    n3: int
    magnitude: str
    weekday: str
    year: int

    @property
    def surname(self) -> str:
        return self.person.split()[-1]


def make_facts(rng: random.Random, kind: str, when: datetime) -> Facts:
    def person() -> str:
        return f"{rng.choice(_FIRST)} {_word(rng, 2)}"

    return Facts(
        kind=kind, country=rng.choice(_COUNTRIES), place=_word(rng, rng.randint(1, 2)) + rng.choice(_PLACE_ENDS),
        region=f"{_word(rng, 2)} Valley" if rng.random() < 0.5 else f"{_word(rng, 2)} Province",
        person=person(), role_person=person(), expert=person(),
        firm=f"{_word(rng, 2)} {rng.choice(_FIRM_KINDS)}", rival=f"{_word(rng, 2)} {rng.choice(_FIRM_KINDS)}",
        n1=rng.randint(2, 60), n2=rng.randint(120, 9800), n3=rng.randint(3, 45),
        magnitude=f"{rng.randint(4, 7)}.{rng.randint(0, 9)}", weekday=_WEEKDAYS[when.weekday()],
        year=rng.randint(1921, 2019))


# Per kind: titles, leads and body sentences. {…} fields come from Facts.
_KINDS: dict[str, dict[str, list[str]]] = {
    "quake": {
        "title": ["Magnitude {magnitude} earthquake strikes near {place}, {n1} injured",
                  "Earthquake rocks {region}: {n1} hurt as buildings collapse in {place}",
                  "{place} quake: strongest tremor in the {region} since {year}",
                  "Residents of {place} sleep outdoors after magnitude {magnitude} quake"],
        "lead": ["A magnitude {magnitude} earthquake struck near the town of {place} in {country}'s {region} early on "
                 "{weekday}, injuring at least {n1} people and damaging hundreds of homes.",
                 "At least {n1} people were hurt when an earthquake of magnitude {magnitude} shook {place} and the "
                 "surrounding {region} before dawn on {weekday}, officials said.",
                 "The strongest earthquake to hit the {region} since {year} left {n1} people injured in and around "
                 "{place} on {weekday}."],
        "body": ["The quake's epicentre lay about {n3} kilometres beneath the hills east of {place}, according to "
                 "the national seismology institute.",
                 "Emergency crews worked through the night to search {n3} damaged buildings in the old town.",
                 "{role_person}, the mayor of {place}, said {n2} residents had spent the night in sports halls and "
                 "tents.",
                 "\"The ground moved for almost twenty seconds and then everything went dark,\" said one resident.",
                 "Seismologist {expert} said aftershocks of up to magnitude four were likely over the coming days.",
                 "Rail services through the {region} were suspended while engineers inspected bridges and tunnels.",
                 "The government of {country} released emergency funds and sent army engineers to {place}.",
                 "Schools across the {region} will stay closed until inspectors have checked every building.",
                 "The last comparable earthquake in the area, in {year}, destroyed much of the market square."],
    },
    "resignation": {
        "title": ["{country} minister {person} resigns over undeclared shares in {firm}",
                  "{surname} quits as minister after {firm} conflict of interest row",
                  "Minister {person} steps down amid questions about {firm} contract",
                  "{surname} resignation: what we know about the {firm} shares"],
        "lead": ["{country}'s transport minister {person} resigned on {weekday} after it emerged that her family held "
                 "undeclared shares in {firm}, a contractor that won a state rail deal worth {n2} million crowns.",
                 "{person} has stepped down as a minister in {country}, days after reports that relatives owned shares "
                 "in {firm}, which was awarded a {n2} million crown contract.",
                 "The {country} government lost its transport minister on {weekday} when {person} resigned over a "
                 "conflict of interest involving {firm}."],
        "body": ["In a letter to the prime minister, {surname} said she had made an honest mistake but could no "
                 "longer do the job with the confidence of the public.",
                 "The shares in {firm} were worth about {n3} million crowns, according to the parliamentary register.",
                 "Opposition leader {role_person} called for a full inquiry into how the rail contract was awarded.",
                 "{firm} said in a statement that it had followed every rule of the tender.",
                 "The prime minister accepted the resignation and thanked {surname} for her years of service.",
                 "The ethics commissioner, {expert}, said her office would publish its findings within {n1} days.",
                 "{surname} had been in the post since {year} and oversaw the new high-speed line.",
                 "Parliament is due to debate procurement rules next week after the affair."],
    },
    "merger": {
        "title": ["{firm} and {rival} agree {n2} million crown merger",
                  "{rival} shares jump {n3}% on {firm} tie-up",
                  "{firm} to merge with {rival}, creating {country}'s biggest operator",
                  "Deal of the year: {firm} and {rival} combine"],
        "lead": ["{firm} and {rival} have agreed an all-share merger worth {n2} million crowns that will create the "
                 "largest company of its kind in {country}, the two firms said on {weekday}.",
                 "Shares in {rival} rose {n3}% on {weekday} after it agreed to combine with {firm} in a deal valued at "
                 "{n2} million crowns.",
                 "{country}'s two biggest rivals in their market, {firm} and {rival}, announced on {weekday} that they "
                 "will merge."],
        "body": ["{firm} shareholders will own {n1}% of the combined company, which keeps its headquarters in "
                 "{place}.",
                 "Chief executive {person} said the merger would save {n3} million crowns a year within three years.",
                 "The competition authority said it would examine the deal closely, and analyst {expert} expects a "
                 "long review.",
                 "Unions warned that up to {n2} jobs could go as the two firms close overlapping offices.",
                 "{rival} chairman {role_person} called the deal a fair price for his shareholders.",
                 "The companies expect to complete the merger by the end of next year if regulators agree.",
                 "A previous attempt to combine the firms collapsed in {year} over the price."],
    },
    "strike": {
        "title": ["Rail strike halts trains across {country}",
                  "{n2} workers walk out at {firm} in pay dispute",
                  "Strike at {firm}: union leader {person} vows to stay out",
                  "Commuters stranded as {firm} staff strike over pay"],
        "lead": ["About {n2} workers at {firm} walked out on {weekday} in a dispute over pay, halting services across "
                 "{country} and stranding thousands of commuters in {place}.",
                 "A strike by staff at {firm} brought services in {country} to a standstill on {weekday}, with the "
                 "union demanding a rise of {n3}%.",
                 "Workers at {firm} began a {n1}-day strike on {weekday} after talks on pay broke down."],
        "body": ["Union leader {person} said members had rejected an offer of {n1}% because it did not keep pace with "
                 "prices.",
                 "{firm} said the union's demand of {n3}% was unaffordable and urged workers to return to talks.",
                 "Picket lines formed outside the depot in {place} before dawn.",
                 "The labour minister, {role_person}, offered to host talks between the two sides.",
                 "Business groups said the strike could cost the economy {n2} million crowns a day.",
                 "It is the first national strike at {firm} since {year}.",
                 "Labour economist {expert} said the dispute reflected a wider squeeze on wages."],
    },
    "breach": {
        "title": ["{firm} says data of {n2} thousand customers stolen",
                  "Hackers stole customer records from {firm}",
                  "{firm} data breach: what customers need to know",
                  "{firm} admits breach went undetected for {n1} days"],
        "lead": ["{firm} said on {weekday} that criminals had stolen the personal data of about {n2} thousand "
                 "customers through the account of a support contractor.",
                 "The names, addresses and bank details of {n2} thousand {firm} customers were stolen in a "
                 "cyberattack, the company disclosed on {weekday}.",
                 "{firm} has admitted that hackers had access to its customer systems for {n1} days before the breach "
                 "was found."],
        "body": ["Chief executive {person} apologised and said passwords had not been taken.",
                 "The data protection office in {country} said it had opened an investigation.",
                 "Security researcher {expert} said the attackers had used a stolen login of a contractor in {place}.",
                 "Customers will be offered free credit monitoring for {n3} months.",
                 "Shares in {firm} fell {n3}% in early trading.",
                 "{role_person}, who heads the consumer association, said customers deserved compensation.",
                 "It is the largest breach reported in {country} since {year}."],
    },
    "match": {
        "title": ["{place} Athletic beat {rival_town} {score} to reach the cup final",
                  "Cup semi-final: {place} stun holders",
                  "{surname} double sends {place} into first final since {year}",
                  "{place} Athletic into the final after {score} win"],
        "lead": ["{place} Athletic reached their first cup final since {year} after beating the holders {score} on "
                 "{weekday}, with {person} scoring twice.",
                 "Two goals from {person} gave {place} Athletic a {score} win over the holders in the semi-final on "
                 "{weekday} night.",
                 "{place} Athletic are in the final of the {country} Cup after a {score} victory on {weekday}."],
        "body": ["A crowd of {n2} watched the match at the Old Mill ground.",
                 "{surname} opened the scoring after {n1} minutes with a low shot from the edge of the area.",
                 "Manager {role_person} said it was the proudest night of his career.",
                 "The holders pulled a goal back late on but could not find an equaliser.",
                 "{place} will play the final in the capital next month.",
                 "Pundit {expert} said the win was built on a disciplined defence.",
                 "Ticket demand is expected to exceed {n3} thousand for the final."],
    },
    "flood": {
        "title": ["Floods hit {place} after record rainfall",
                  "{n2} homes evacuated as river bursts banks in the {region}",
                  "{region} floods: army called in as water rises",
                  "Record rain swamps {place}"],
        "lead": ["Floodwater swept through {place} on {weekday} after the heaviest rainfall in the {region} since "
                 "{year}, forcing the evacuation of {n2} homes.",
                 "Rescue teams evacuated {n2} households in the {region} on {weekday} as the river burst its banks at "
                 "{place}.",
                 "The {region} was hit by severe flooding on {weekday}, with {n1} centimetres of rain falling in "
                 "a day."],
        "body": ["Soldiers filled sandbags along the river front in {place} through the night.",
                 "{role_person}, the regional governor, declared a state of emergency.",
                 "Meteorologist {expert} said {n1} centimetres of rain had fallen in 24 hours.",
                 "Two bridges were closed and {n3} roads remain under water.",
                 "The insurance association estimated damage at {n2} million crowns.",
                 "Residents said the water rose faster than in the floods of {year}.",
                 "More rain is forecast for the {region} later in the week."],
    },
    "launch": {
        "title": ["{country} launches {craft} satellite",
                  "{craft} lifts off from {place} spaceport",
                  "{craft} mission: {country} space agency reaches orbit",
                  "Rocket carrying {craft} launched successfully"],
        "lead": ["{country}'s space agency launched the {craft} observation satellite from the spaceport at {place} on "
                 "{weekday}, the country's first launch of the year.",
                 "The {craft} satellite reached orbit on {weekday} after lifting off from {place}, {country}'s space "
                 "agency said.",
                 "A rocket carrying the {craft} satellite lifted off from {place} on {weekday}."],
        "body": ["Mission director {person} said the satellite would map crops and forests for {n1} years.",
                 "The {craft} project cost {n2} million crowns and was built by {firm}.",
                 "The satellite will orbit at an altitude of {n3}0 kilometres.",
                 "Engineers confirmed that the solar panels had unfolded about an hour after launch.",
                 "Space policy analyst {expert} said the launch put {country} among a handful of countries with their "
                 "own observation satellites.",
                 "The agency's chief, {role_person}, thanked the team in {place}.",
                 "{country}'s first satellite was launched in {year}."],
    },
    "court": {
        "title": ["Court rules against {firm} in {place} pollution case",
                  "{firm} ordered to pay {n2} million crowns over river pollution",
                  "Judge: {firm} polluted the river at {place}",
                  "Landmark pollution ruling against {firm}"],
        "lead": ["A court in {country} ordered {firm} on {weekday} to pay {n2} million crowns for polluting the river "
                 "near its plant at {place}.",
                 "{firm} polluted the river at {place} for years and must pay {n2} million crowns in damages, a judge "
                 "ruled on {weekday}.",
                 "In a landmark ruling on {weekday}, a court found {firm} liable for pollution near {place}."],
        "body": ["Judge {person} said the company had ignored warnings from inspectors since {year}.",
                 "Lawyers for {n1} families who live along the river welcomed the verdict.",
                 "{firm} said it would appeal.",
                 "Environmental scientist {expert} told the court that fish stocks had fallen by {n3}%.",
                 "The money will pay for the cleaning of the riverbed and compensation for fishermen.",
                 "{role_person}, who led the residents' campaign, said the ruling showed that nobody is above the law.",
                 "The plant at {place} employs about {n2} people."],
    },
    "fire": {
        "title": ["Fire destroys {firm} warehouse in {place}",
                  "Huge blaze at {place} industrial estate",
                  "{place} fire: {n1} firefighters battle blaze overnight",
                  "Smoke warning after warehouse fire in {place}"],
        "lead": ["A fire destroyed a warehouse of {firm} on the industrial estate at {place} on {weekday}, sending "
                 "smoke over the town.",
                 "{n1} fire engines were called to a blaze at a {firm} warehouse in {place} on {weekday} night.",
                 "Residents of {place} were told to keep windows shut on {weekday} as a large fire burned at a {firm} "
                 "warehouse."],
        "body": ["Fire chief {person} said nobody had been hurt and the cause was not yet known.",
                 "The warehouse held about {n2} tonnes of packaging and furniture.",
                 "Flames could be seen {n3} kilometres away.",
                 "{firm} said it was working with investigators.",
                 "Air quality expert {expert} said the smoke posed little risk outdoors.",
                 "The site was built in {year} and extended twice since.",
                 "Local councillor {role_person} called for a review of fire safety on the estate."],
    },
    "election": {
        "title": ["{person} wins {place} mayoral election",
                  "{place} elects {surname} as mayor",
                  "{surname} victory in {place}: turnout {n1}%",
                  "New mayor for {place} after close vote"],
        "lead": ["{person} was elected mayor of {place} on {weekday}, winning {n1}% of the vote in a run-off against "
                 "{role_person}.",
                 "Voters in {place} chose {person} as their new mayor on {weekday}, ending {n3} years of rule by the "
                 "governing party.",
                 "{person} won the mayoral election in {place} on {weekday} by a margin of {n2} votes."],
        "body": ["Turnout was {n1}%, higher than in {year}.",
                 "{surname} promised to build {n2} affordable homes and expand the tram network.",
                 "{role_person} conceded defeat and congratulated the winner.",
                 "Political scientist {expert} said the result was a warning for the government of {country}.",
                 "The new mayor takes office at the start of next month.",
                 "Campaigning focused on housing costs and traffic in the old centre of {place}."],
    },
    "factory": {
        "title": ["{firm} to close {place} plant, {n2} jobs at risk",
                  "{place} factory closure: {firm} cuts {n2} jobs",
                  "Blow for {place} as {firm} shuts plant",
                  "{firm} moves production out of {place}"],
        "lead": ["{firm} said on {weekday} it would close its plant in {place} by the end of the year, putting {n2} "
                 "jobs at risk.",
                 "About {n2} workers will lose their jobs when {firm} shuts its factory in {place}, the company "
                 "announced on {weekday}.",
                 "{firm} will move production from {place} abroad, the company said on {weekday}."],
        "body": ["Chief executive {person} blamed high energy prices and falling demand.",
                 "The plant opened in {year} and was once the largest employer in the {region}.",
                 "Union representative {role_person} said workers learned of the closure from the news.",
                 "The regional government said it would try to find a buyer for the site.",
                 "Economist {expert} said the closure would hit suppliers across the {region}.",
                 "{firm} will offer severance of {n3} months' pay."],
    },
}
_KIND_NAMES = sorted(_KINDS)

_GENERIC = ["The full impact on {place} is not yet clear, officials said on {weekday}.",
            "Officials in {country} are expected to give more details at a press conference later in the week.",
            "Local radio in {place} said people had gathered in the main square to share news.",
            "The story was first reported by local media in the {region}.",
            "Reporters in {place} described a mood of uncertainty among residents.",
            "Further updates are expected as the situation develops."]


@dataclass
class GeneratedArticle:
    id: str
    event: str
    title: str
    text: str
    published: datetime
    source: str
    reprint_of: str | None = None
    extra: dict = field(default_factory=dict)     # "facts": the event's Facts, "fields": its other template fields

    def jsonl_row(self) -> dict:
        return {"id": self.id, "title": self.title, "text": self.text, "event": self.event,
                "published": self.published.isoformat(), "source": self.source}


# Words an outlet may put differently, and asides it may add: two reports of one event share their facts, not
# their wording (without this every report would be a near-duplicate of the first to copy detection).
_SYNONYMS = {
    "said": ["said", "stated", "told reporters", "added", "confirmed", "explained", "noted"],
    "says": ["says", "states", "has said", "insists"],
    "officials": ["officials", "the authorities", "local officials", "government officials"],
    "residents": ["residents", "locals", "people living there", "inhabitants"],
    "people": ["people", "individuals", "persons", "residents"],
    "about": ["about", "around", "roughly", "some", "nearly"],
    "at least": ["at least", "no fewer than", "a minimum of"],
    "on": ["on", "early on", "late on"],
    "would": ["would", "will", "is set to", "is expected to"],
    "will": ["will", "would", "is due to", "plans to"],
    "company": ["company", "firm", "group", "business"],
    "the government": ["the government", "ministers", "the cabinet", "the state"],
    "after": ["after", "soon after", "just after", "shortly after"],
    "called for": ["called for", "demanded", "urged", "pressed for"],
    "workers": ["workers", "employees", "staff", "members of staff"],
    "town": ["town", "municipality", "community", "district"],
    "expected": ["expected", "likely", "due", "forecast"],
    "homes": ["homes", "houses", "households", "dwellings"],
    "damaged": ["damaged", "hit", "harmed", "wrecked"],
    "largest": ["largest", "biggest", "greatest"],
    "announced": ["announced", "said", "revealed", "disclosed"],
    "statement": ["statement", "press release", "written statement", "short statement"],
    "new": ["new", "fresh", "latest"],
    "more": ["more", "further", "additional"],
    "next": ["next", "the coming", "the following"],
}
_ASIDES = ["", "", "", ", officials said", ", according to local media", ", a spokesperson confirmed",
           ", sources told {outlet}", ", witnesses said", ", the agency reported",
           ", it emerged", ", according to people familiar with the matter", ", {outlet} understands"]
_OPENERS = ["", "", "", "Meanwhile, ", "Separately, ", "Earlier, ", "By evening, ", "According to reports, ",
            "In a further development, ", "As of {weekday}, ", "Locally, "]
_SYNONYM_KEYS = sorted(_SYNONYMS, key=len, reverse=True)


def _reword(sentence: str, rng: random.Random) -> str:
    for key in _SYNONYM_KEYS:
        needle = f" {key} "
        if needle in sentence:
            sentence = sentence.replace(needle, f" {rng.choice(_SYNONYMS[key])} ", 1)
    return sentence


def _fill(template: str, facts: Facts, extra: dict, rng: random.Random | None = None) -> str:
    values = {**facts.__dict__, "surname": facts.surname, **extra}
    if rng is None:
        return template.format(**values)
    sentence = _reword(template, rng)
    if sentence.endswith(".") and not sentence.endswith('."'):
        sentence = sentence[:-1] + rng.choice(_ASIDES) + "."
    opener = rng.choice(_OPENERS)
    if opener and sentence[:1].isupper():
        sentence = opener + sentence[0].lower() + sentence[1:]
    elif opener and sentence.startswith("{"):
        sentence = opener + sentence
    return sentence.format(**values)


def write_article(rng: random.Random, facts: Facts, extra: dict, outlet: str, sentences: int = 10) -> tuple[str, str]:
    """One outlet's report of the event: a title, then a lead and body sentences in its own choice and order."""
    kind = _KINDS[facts.kind]
    title = _fill(rng.choice(kind["title"]), facts, extra)
    body = rng.sample(kind["body"], min(len(kind["body"]), sentences - 2))
    body += rng.sample(_GENERIC, 1)
    rng.shuffle(body)
    extra = {**extra, "outlet": outlet}
    sentences_out = [_fill(rng.choice(kind["lead"]), facts, extra, rng)] + [_fill(s, facts, extra, rng) for s in body]
    paragraphs, i = [], 0
    while i < len(sentences_out):
        step = rng.randint(1, 3)
        paragraphs.append(" ".join(sentences_out[i:i + step]))
        i += step
    return title, "\n\n".join(paragraphs)


def _extra(rng: random.Random) -> dict:
    home, away = rng.randint(1, 4), rng.randint(0, 3)
    return {"rival_town": _word(rng, 2) + rng.choice(_PLACE_ENDS), "score": f"{max(home, away + 1)}-{away}",
            "craft": _word(rng, 2)}


def generate_articles(n: int, seed: int = 7, start: datetime | None = None, days: float | None = None,
                      reprint_share: float = 0.08) -> list[GeneratedArticle]:
    """n articles about ~n/4 distinct events (1 to 8 reports each), in published order. Events start evenly over
    `days` (default: about 200 events a day); each report follows its event within a day."""
    rng = random.Random(seed)
    start = start or datetime(2026, 11, 1, tzinfo=timezone.utc)
    events = max(1, n // 4)
    days = days if days is not None else max(1.0, events / 200)
    out: list[GeneratedArticle] = []
    e = 0
    while len(out) < n:
        event_id = f"e{seed}-{e}"
        when = start + timedelta(days=rng.random() * days)
        facts = make_facts(rng, rng.choice(_KIND_NAMES), when)
        extra = _extra(rng)
        reports = min(n - len(out), max(1, min(8, int(rng.expovariate(1 / 4.0)) + 1)))
        outlets = rng.sample(_OUTLETS, min(len(_OUTLETS), reports))
        wire: GeneratedArticle | None = None
        for k in range(reports):
            published = when + timedelta(hours=rng.random() * 20 * (k > 0))
            outlet = outlets[k % len(outlets)]
            if wire is not None and outlet != _WIRE and rng.random() < reprint_share * 3:
                text = wire.text + "\n\n(With agency inputs)"
                article = GeneratedArticle(f"{event_id}-{k}", event_id, wire.title, text, published, outlet,
                                           reprint_of=wire.id, extra={"facts": facts, "fields": extra})
            else:
                title, text = write_article(rng, facts, extra, outlet, sentences=rng.randint(8, 13))
                article = GeneratedArticle(f"{event_id}-{k}", event_id, title, text, published, outlet,
                                           extra={"facts": facts, "fields": extra})
                if outlet == _WIRE:
                    wire = article
            out.append(article)
        e += 1
    out.sort(key=lambda a: (a.published, a.id))
    return out
