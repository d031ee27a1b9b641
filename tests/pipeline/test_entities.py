"""The desk names who and where: an ingest run gives stories with entities (the real NER model), on SQLite and
PostgreSQL; an article in another language gets none; `newsdesk story --json` and `newsdesk entity` show them."""

import asyncio
import json

from typer.testing import CliRunner

from newsdesk.cli import app
from newsdesk.config import Settings
from newsdesk.pipeline import Desk
from newsdesk.storage import open_storage

ENGLISH = [
    ("Northern Ledger", "Minister Mélanie Joly orders Hikvision Canada Inc. to close",
     "Foreign Affairs Minister Mélanie Joly on Tuesday ordered Hikvision Canada Inc. to cease its operations in "
     "Canada after a national security review. Joly said the decision followed advice from the security agencies in "
     "Ottawa. Hikvision said it would challenge the order in court."),
    ("Capital Wire", "Canada tells Hikvision unit to shut down",
     "Melanie Joly, the foreign minister, told the Canadian subsidiary of Hikvision to wind up its business in "
     "Canada. Hikvision Canada Inc. has 30 days to comply. Joly's office in Ottawa said the review found risks to "
     "national security."),
    ("Harbour Times", "Port Callan dockers end strike",
     "Dockers at Port Callan returned to work on Tuesday after the Harbour Workers Union accepted a new pay offer "
     "from the Port Callan Authority. Union leader Dana Whitlock said members had voted to accept."),
]
FRENCH = ("Le Veilleur", "Mélanie Joly ordonne la fermeture de Hikvision Canada",
          "<html lang=\"fr\"><head><title>Mélanie Joly ordonne la fermeture de Hikvision Canada</title></head><body>"
          "<article><h1>Mélanie Joly ordonne la fermeture de Hikvision Canada</h1>"
          "<p>La ministre des Affaires étrangères, Mélanie Joly, a ordonné mardi à Hikvision Canada de cesser ses "
          "activités au Canada à la suite d'un examen de sécurité nationale mené à Ottawa.</p>"
          "<p>L'entreprise a annoncé qu'elle contesterait la décision devant les tribunaux dans les prochains jours, "
          "selon un communiqué publié à Montréal.</p></article></body></html>")


def _feed(path):
    lines = [json.dumps({"title": t, "text": x, "source": s, "published": f"2026-11-10T1{i}:00:00+00:00"})
             for i, (s, t, x) in enumerate(ENGLISH)]
    s, t, html = FRENCH
    lines.append(json.dumps({"title": t, "html": html, "source": s, "published": "2026-11-10T13:30:00+00:00",
                             "url": "https://veilleur.example/joly"}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_an_ingest_run_gives_stories_with_their_entities(db_url, tmp_path):
    settings = Settings(db=db_url, extract_workers=1)
    storage = open_storage(db_url)

    async def run():
        async with Desk(storage, settings) as desk:
            return await desk.ingest_path(_feed(tmp_path / "feed.jsonl"))

    outcomes = asyncio.run(run())
    assert [o.status for o in outcomes] == ["new"] * 4
    ids = [o.article_id for o in outcomes]
    stories = storage.stories_of(ids)
    joly_story = stories[ids[0]]
    assert stories[ids[1]] == joly_story and stories[ids[2]] != joly_story
    named = {n.entity.name: n for n in storage.story_entities(joly_story)}
    assert named["Mélanie Joly"].sources == 2 and named["Mélanie Joly"].entity.type == "person"
    assert named["Hikvision Canada Inc."].entity.type == "organisation"
    assert named["Ottawa"].entity.type == "place"
    assert "Joly" not in named and "Melanie Joly" not in named         # one person, not three
    hikvision = [n for n in named.values() if n.entity.name == "Hikvision"]
    if hikvision:       # the model finds "Hikvision" alone in one report or both: shown with its longer form
        assert named["Hikvision Canada Inc."].entity.parent_id == hikvision[0].entity.id
    harbour = {n.entity.name for n in storage.story_entities(stories[ids[2]])}
    assert {"Port Callan", "Dana Whitlock"} <= harbour
    french = storage.get_article(ids[3])
    assert french.language == "fr"
    assert storage.entity_scans([ids[3]]) == {ids[3]: french.text_hash}      # read: another language, no names
    assert storage.article_mentions([ids[3]]) == {}
    storage.close()


def test_the_cli_shows_a_storys_entities_and_an_entity(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSDESK_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("NEWSDESK_EXTRACT_WORKERS", "1")
    monkeypatch.setenv("COLUMNS", "200")
    db = str(tmp_path / "desk.db")
    runner = CliRunner()
    assert runner.invoke(app, ["--db", db, "init", "--no-defaults"]).exit_code == 0
    done = runner.invoke(app, ["--db", db, "ingest", str(_feed(tmp_path / "feed.jsonl"))])
    assert done.exit_code == 0, done.output
    story = json.loads(runner.invoke(app, ["--db", db, "story", "1", "--json"]).output)
    assert all({"id", "name", "type", "sources"} <= set(e) for e in story["entities"])
    joly = next(e for e in story["entities"] if e["name"] == "Mélanie Joly")
    assert joly["type"] == "person" and joly["sources"] == 2
    shown = runner.invoke(app, ["--db", db, "entity", "melanie joly", "--json"])
    doc = json.loads(shown.output)
    assert doc["id"] == joly["id"] and doc["stories"][0]["id"] == story["id"]
    assert doc["stories"][0]["outlets"] == 3          # the French report of the event is in its story too
    assert "Ottawa" in {r["name"] for r in doc["related"]}
    text = runner.invoke(app, ["--db", db, "entity", "Joly"])
    assert "Mélanie Joly" in text.output and "person" in text.output
    markdown = runner.invoke(app, ["--db", db, "story", "1", "--markdown"]).output
    assert "## Who and where" in markdown and "Mélanie Joly (person, named by 2 sources)" in markdown
    missing = runner.invoke(app, ["--db", db, "entity", "Nobody Atall"])
    assert missing.exit_code == 1 and "no entity is called 'Nobody Atall'" in missing.output


def test_names_handed_over_ahead_are_collected_and_a_dead_worker_is_replaced(tmp_path):
    from newsdesk.model import NewArticle
    from newsdesk.pipeline import story_entities

    storage = open_storage(str(tmp_path / "desk.db"))
    story_id = storage.create_story("joly")
    ids = []
    for i, (outlet, title, text) in enumerate(ENGLISH[:2]):
        ids.append(storage.insert_article(NewArticle(url=f"https://x.example/{i}", text=text, text_hash=f"h{i}",
                                                     title=title, outlet=outlet, language="en")))
        storage.assign_story(ids[-1], story_id, None)
    articles = storage.story_articles(story_id)
    story_entities._submit(["Warm up in Paris."]).result()
    for process in list(story_entities._ner_pool()._processes.values()):
        process.kill()                              # the NER worker dies (killed, out of memory …)
        process.join()
    entities = story_entities.StoryEntities(storage, remember=1)
    entities.prepare(articles[:1])                  # the first handed over ahead, the second not
    entities.update({story_id: articles})           # a new worker reads them
    entities.flush()
    assert {n.entity.name for n in storage.story_entities(story_id)} >= {"Mélanie Joly", "Ottawa"}
    assert entities.pending == {} and entities.articles_read >= 2
    storage.close()


def test_a_desk_without_entities_names_none_and_recluster_names_them(tmp_path):
    from newsdesk.pipeline import regroup

    db = str(tmp_path / "desk.db")
    storage = open_storage(db)

    async def run():
        async with Desk(storage, Settings(db=db, extract_workers=1, entities=False)) as desk:
            return await desk.ingest_path(_feed(tmp_path / "feed.jsonl"))

    outcomes = asyncio.run(run())
    story = storage.stories_of([outcomes[0].article_id])[outcomes[0].article_id]
    assert storage.get_story(story).page_json and storage.story_entities(story) == []
    regroup(storage)
    story = storage.get_story(story).id
    assert "Mélanie Joly" in {n.entity.name for n in storage.story_entities(story)}
    storage.close()


def test_a_story_counts_a_name_past_the_cap_only_when_another_report_named_it(storage):
    from newsdesk.model import NewArticle
    from newsdesk.pipeline import StoryEntities

    reports = [("Harbour Times", "Dana Whitlock led the strike vote at Port Callan."),
               ("Capital Wire", "Dockers went back to work at Port Callan on Tuesday. The union said its members "
                                "had voted to accept the offer. Union leader Dana Whitlock thanked them. "
                                "Roland Busch spoke in Frankfurt.")]
    story_id = storage.create_story("callan")
    for i, (outlet, text) in enumerate(reports):
        article_id = storage.insert_article(NewArticle(url=f"https://x.example/{i}", text=text, text_hash=f"h{i}",
                                                       title=None, outlet=outlet, language="en"))
        storage.assign_story(article_id, story_id, None)
    entities = StoryEntities(storage, chars=60)
    entities.update({story_id: storage.story_articles(story_id)})
    entities.flush()
    named = {n.entity.name: n for n in storage.story_entities(story_id)}
    assert named["Dana Whitlock"].sources == 2
    assert "Roland Busch" not in named
