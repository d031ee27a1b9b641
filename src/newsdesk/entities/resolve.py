"""The names of one story resolved into one group per real-world thing.

Within a story:
- forms with one match key are one thing ("Mélanie Joly", "Melanie Joly", "MÉLANIE JOLY's");
- a key the model gave several types takes the one most of its mentions have; a one-word name that is no
  person's first or last name in the story, and that no report gave a title, is a person only when the model
  never also read it as a place;
- a person named by a surname alone, or by first and last name without the middle one, is the one person of
  the story whose fuller name ends so ("Joly" is "Mélanie Joly"), when the story has exactly one such person;
  so is a one-word "organisation" that is that surname (the model often takes "Joly said" for one); a surname
  alone that two people of the story share names no entity;
- an organisation named by its initials is the one organisation of the story whose words have those initials
  ("ASA" is "Aldermark Space Agency");
- an organisation whose key begins with another's words ("Hikvision Canada Inc." and "Hikvision") stays a group
  of its own, marked as a longer form of it (`part_of`), so pages show the two together; not when the
  shorter name is also a place in the story;
- a first name alone is the one person of the story with that first name, when it is nobody's surname.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from newsdesk.entities.names import acronym, clean_name, match_key
from newsdesk.model import EntityGroup, EntityType, Mention

# When a key's mentions disagree on the type, ties go to the first of these.
_TYPE_ORDER = (EntityType.PERSON, EntityType.ORGANISATION, EntityType.PLACE, EntityType.EVENT, EntityType.PRODUCT)


def _accented(text: str) -> bool:
    return any(ord(c) > 127 for c in text)


def _shown(forms: Counter) -> str:
    """The form to show: the most used of the longest forms; an accented one where counts tie (text that
    lost its accents is more common than text that gained some)."""
    longest = max(len(f.split()) for f in forms)
    candidates = [f for f in forms if len(f.split()) == longest]
    return max(candidates, key=lambda f: (forms[f], _accented(f), f))


def resolve_story(articles: Iterable[tuple[int, Sequence[Mention]]]) -> list[EntityGroup]:
    """One EntityGroup per thing the story's articles name, most mentioned first."""
    typed: dict[str, Counter] = defaultdict(Counter)       # key -> type -> mentions
    titled: set[str] = set()        # keys of persons a report named with a title ("President Biden")
    forms: dict[tuple[str, EntityType], Counter] = defaultdict(Counter)
    counts: dict[tuple[str, EntityType], Counter] = defaultdict(Counter)   # (key, type) -> article -> mentions
    for article_id, mentions in articles:
        for mention in mentions:
            name = clean_name(mention.name, mention.type)
            key = match_key(name, mention.type)
            if len(key) < 2 or not any(c.isalpha() for c in key):
                continue
            typed[key][mention.type] += mention.count
            if mention.type == EntityType.PERSON and len(name.split()) < len(mention.name.split()):
                titled.add(key)
            forms[key, mention.type][name] += mention.count
            counts[key, mention.type][article_id] += mention.count
    # one type per key
    full_names = [key.split() for key, by_type in typed.items() if EntityType.PERSON in by_type and " " in key]
    groups: dict[str, EntityGroup] = {}
    for key, by_type in typed.items():
        votes = by_type
        if (EntityType.PLACE in by_type and EntityType.PERSON in by_type and key not in titled
                and _no_one_so_named(key, full_names)):
            votes = Counter({t: n for t, n in by_type.items() if t != EntityType.PERSON})
        kind = max(votes, key=lambda t: (votes[t], -_TYPE_ORDER.index(t)))
        names: Counter = Counter()
        mentions: Counter = Counter()
        for t in by_type:
            names.update(forms[key, t])
            mentions.update(counts[key, t])
        groups[key] = EntityGroup(name=_shown(names), type=kind, key=key, aliases={key: _shown(names)},
                                  mentions=dict(mentions))
    places = {key for key, by_type in typed.items() if EntityType.PLACE in by_type}
    _merge_short_persons(groups, places)
    _merge_initials(groups)
    _mark_longer_forms(groups, places)
    return sorted(groups.values(), key=lambda g: (-sum(g.mentions.values()), g.key))


def _no_one_so_named(key: str, full_names: list[list[str]]) -> bool:
    """A one-word name that no person of the story has as a first or last name: news names a person in full
    before it shortens the name, so where the model also read it as a place, "person" is the weaker reading
    ("between Thornbury and Millbeck"). (Not where it also read an organisation: it reads a surname so
    ("Hollander said"), and misses unfamiliar first names ("Priyesh Hollander" gives "Hollander").)"""
    return " " not in key and not any(key in (words[0], words[-1]) for words in full_names)


def _absorb(groups: dict[str, EntityGroup], short: str, into: str) -> None:
    small, big = groups.pop(short), groups[into]
    big.aliases.update(small.aliases)
    for article_id, n in small.mentions.items():
        big.mentions[article_id] = big.mentions.get(article_id, 0) + n


def _merge_short_persons(groups: dict[str, EntityGroup], places: set[str]) -> None:
    """Surnames and first names alone into the story's one person of that name; never a name the story also
    uses as a place (a dateline "HOLLINSPORT" is not the first word of "Hollinsport Rovers")."""
    people = [g for g in groups.values() if g.type == EntityType.PERSON and g.key not in places]
    full = [g for g in people if len(g.key.split()) > 1]
    # a surname alone the model took for an organisation ("Calloway said ...") is the story's one person of
    # that surname too
    surnames = [g for g in groups.values() if g.type == EntityType.ORGANISATION and " " not in g.key
                and g.key not in places]
    for group in sorted(people, key=lambda g: len(g.key.split())) + surnames:
        words = group.key.split()
        homes = [f for f in full if f is not group and f.key in groups and len(f.key.split()) > len(words)
                 and (f.key.split()[-len(words):] == words
                      or (len(words) == 2 and [f.key.split()[0], f.key.split()[-1]] == words))]
        if not homes and len(words) == 1:
            # a first name alone ("her husband, Gregory"), when it is no surname of the story
            homes = [f for f in full if f is not group and f.key in groups and f.key.split()[0] == words[0]]
        if len(homes) == 1:
            _absorb(groups, group.key, homes[0].key)
        elif len(homes) > 1 and len(words) == 1:
            del groups[group.key]      # "Calloway" in a story of Harriet and Gregory Calloway names neither surely


def _merge_initials(groups: dict[str, EntityGroup]) -> None:
    orgs = [g for g in groups.values() if g.type == EntityType.ORGANISATION]
    for group in orgs:
        if " " in group.key or len(group.key) < 2 or group.name.upper() != group.name:
            continue
        homes = [o for o in orgs if o is not group and o.key in groups and len(o.key.split()) > 1
                 and acronym(o.key) == group.key]
        if len(homes) == 1:
            _absorb(groups, group.key, homes[0].key)


def _mark_longer_forms(groups: dict[str, EntityGroup], places: set[str]) -> None:
    """An organisation whose words begin with another organisation's is marked its longer form; not when the
    shorter name is also a place of the story ("Thornbury Bridge" is no form of the town of Thornbury)."""
    orgs = sorted((g for g in groups.values() if g.type == EntityType.ORGANISATION), key=lambda g: len(g.key))
    for group in orgs:
        words = group.key.split()
        shorter = [o for o in orgs if o is not group and len(o.key.split()) < len(words) and o.key not in places
                   and words[:len(o.key.split())] == o.key.split()]
        if shorter:
            group.part_of = max(shorter, key=lambda o: len(o.key)).key
