"""Versioned schema. Append a migration, never edit one that has shipped.

The SQL is written once for both backends; `{pk}`, `{blob}` and `{bigint}` are filled per dialect. Where the
backends differ, a migration holds a dict of dialect → list of whole statements (trigger bodies hold `;`).
"""

_SQLITE_TOKENIZER = "tokenize='porter unicode61 remove_diacritics 2'"
# PostgreSQL: the text part of the vector stops at this many characters (a tsvector holds at most 1 MB).
PG_TEXT_LIMIT = 100_000

# Live (written, not merged) stories with what lists of stories sort by, kept narrow so that ranking the home
# page and finding related stories never read page text: rank_key = log2(independent sources) + hours / 12
# orders stories as "independent sources, halving every 12 hours".
_STORY_RANK = """CREATE TABLE story_rank (
    story_id {bigint} PRIMARY KEY REFERENCES stories(id) ON DELETE CASCADE,
    rank_key {real} NOT NULL,
    last_updated TEXT,
    centroid {blob}
);
CREATE INDEX story_rank_key ON story_rank (rank_key);
CREATE INDEX story_rank_time ON story_rank (last_updated)"""

# Original articles (not in `copies`) per source and UTC day of first sight (the first ten characters of
# first_seen_at), kept exact by triggers on articles and copies whoever writes them, so that an unread count
# adds up days instead of reading every article after a reader's mark.
_SOURCE_DAYS_TABLE = """CREATE TABLE source_day_counts (
    source_id BIGINT NOT NULL,
    day TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (source_id, day)
)"""
_SOURCE_DAYS_FILL = """INSERT INTO source_day_counts (source_id, day, n)
SELECT a.source_id, substr(a.first_seen_at, 1, 10), COUNT(*) FROM articles a
WHERE a.source_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM copies c WHERE c.copy_id = a.id)
GROUP BY a.source_id, substr(a.first_seen_at, 1, 10)"""

MIGRATIONS: list[tuple[int, str, str | dict[str, list[str]]]] = [
    (1, "sources, fetch log, articles, revisions, copies, LSH bands", """
CREATE TABLE sources (
    id {pk},
    feed_url TEXT NOT NULL UNIQUE,
    title TEXT,
    site_url TEXT,
    folder TEXT,
    format TEXT,
    language TEXT,
    added_at TEXT NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 1,
    disabled_reason TEXT,
    etag TEXT,
    last_modified TEXT,
    last_fetch_at TEXT,
    last_status TEXT,
    last_error TEXT,
    last_error_at TEXT,
    error_count INTEGER NOT NULL DEFAULT 0,
    next_fetch_at TEXT
);
CREATE TABLE articles (
    id {pk},
    url TEXT NOT NULL UNIQUE,
    source_id {bigint} REFERENCES sources(id) ON DELETE SET NULL,
    outlet TEXT,
    entry_id TEXT,
    title TEXT,
    author TEXT,
    published_at TEXT,
    updated_at TEXT,
    first_seen_at TEXT NOT NULL,
    language TEXT,
    image_url TEXT,
    summary TEXT,
    text TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    shingle_count INTEGER NOT NULL DEFAULT 0,
    minhash {blob},
    full_text INTEGER NOT NULL DEFAULT 1,
    extraction_error TEXT,
    revision_count INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX articles_text_hash ON articles (text_hash);
CREATE INDEX articles_source_time ON articles (source_id, published_at);
CREATE INDEX articles_time ON articles (published_at);
CREATE TABLE revisions (
    id {pk},
    article_id {bigint} NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    fetched_at TEXT NOT NULL,
    title TEXT,
    text TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    html_zlib {blob}
);
CREATE INDEX revisions_article ON revisions (article_id, fetched_at);
CREATE TABLE copies (
    copy_id {bigint} PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    original_id {bigint} NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    similarity REAL NOT NULL,
    method TEXT NOT NULL,
    detected_at TEXT NOT NULL
);
CREATE INDEX copies_original ON copies (original_id);
CREATE TABLE lsh_bands (
    band_key {bigint} NOT NULL,
    article_id {bigint} NOT NULL REFERENCES articles(id) ON DELETE CASCADE
);
CREATE INDEX lsh_bands_key ON lsh_bands (band_key);
CREATE INDEX lsh_bands_article ON lsh_bands (article_id);
CREATE TABLE fetch_log (
    id {pk},
    source_id {bigint} REFERENCES sources(id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    kind TEXT NOT NULL,
    at TEXT NOT NULL,
    outcome TEXT NOT NULL,
    http_status INTEGER,
    error TEXT,
    article_id {bigint},
    duration_ms REAL
);
CREATE INDEX fetch_log_source ON fetch_log (source_id, at);
"""),
    (2, "stories, story membership, article vectors", """
CREATE TABLE stories (
    id {pk},
    slug TEXT NOT NULL UNIQUE,
    headline TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    first_published TEXT,
    last_updated TEXT,
    article_count INTEGER NOT NULL DEFAULT 0,
    independent_count INTEGER NOT NULL DEFAULT 0,
    reprint_count INTEGER NOT NULL DEFAULT 0,
    merged_into {bigint} REFERENCES stories(id),
    page_json TEXT,
    page_written_at TEXT,
    centroid {blob}
);
CREATE INDEX stories_last_updated ON stories (last_updated);
CREATE TABLE story_articles (
    article_id {bigint} PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    story_id {bigint} NOT NULL REFERENCES stories(id),
    score REAL,
    added_at TEXT NOT NULL
);
CREATE INDEX story_articles_story ON story_articles (story_id);
CREATE TABLE article_vectors (
    article_id {bigint} PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    vector {blob} NOT NULL
);
CREATE TABLE grouper_state (
    id INTEGER PRIMARY KEY,
    saved_at TEXT NOT NULL,
    state {blob} NOT NULL
);
"""),
    (3, "settings kept by the desk itself (admin password hash, tokens, secrets)", """
CREATE TABLE desk_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
"""),
    (4, "full-text search over articles and story pages; the ranking and neighbours of live stories", {
        "sqlite": [
            "CREATE VIRTUAL TABLE article_fts USING fts5(title, text, outlet, content='articles', "
            f"content_rowid='id', {_SQLITE_TOKENIZER})",
            """CREATE TRIGGER article_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO article_fts (rowid, title, text, outlet) VALUES (new.id, new.title, new.text, new.outlet);
END""",
            """CREATE TRIGGER article_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO article_fts (article_fts, rowid, title, text, outlet)
        VALUES ('delete', old.id, old.title, old.text, old.outlet);
END""",
            """CREATE TRIGGER article_fts_update AFTER UPDATE OF title, text, outlet ON articles BEGIN
    INSERT INTO article_fts (article_fts, rowid, title, text, outlet)
        VALUES ('delete', old.id, old.title, old.text, old.outlet);
    INSERT INTO article_fts (rowid, title, text, outlet) VALUES (new.id, new.title, new.text, new.outlet);
END""",
            f"CREATE VIRTUAL TABLE story_fts USING fts5(headline, summary, {_SQLITE_TOKENIZER})",
            *_STORY_RANK.format(bigint="INTEGER", real="REAL", blob="BLOB").split(";"),
        ],
        "postgresql": [
            "ALTER TABLE articles ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
            "setweight(to_tsvector('english', COALESCE(title, '')), 'A') || "
            "setweight(to_tsvector('english', COALESCE(outlet, '')), 'B') || "
            f"setweight(to_tsvector('english', left(text, {PG_TEXT_LIMIT})), 'D')) STORED",
            "CREATE INDEX articles_search ON articles USING GIN (search_vector)",
            """CREATE TABLE story_search (
    story_id BIGINT PRIMARY KEY REFERENCES stories(id) ON DELETE CASCADE,
    headline TEXT,
    summary TEXT,
    search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', COALESCE(headline, '')), 'A') ||
        setweight(to_tsvector('english', COALESCE(summary, '')), 'C')) STORED
)""",
            "CREATE INDEX story_search_vector ON story_search USING GIN (search_vector)",
            *_STORY_RANK.format(bigint="BIGINT", real="DOUBLE PRECISION", blob="BYTEA").split(";"),
        ],
    }),
    (5, "indexes for the web desk: languages of articles, story pages by the time they were written", """
CREATE INDEX articles_language ON articles (language);
CREATE INDEX stories_page_written ON stories (page_written_at)
"""),
    (6, "failed admin logins, shared by every web worker process", """
CREATE TABLE login_failures (
    client TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX login_failures_client ON login_failures (client, at);
CREATE INDEX login_failures_at ON login_failures (at)
"""),
    (7, "readers: users, their tokens, what each has read and starred, and what each hides", """
CREATE TABLE users (
    id {pk},
    name TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    fever_key TEXT,
    role TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    session_generation TEXT NOT NULL,
    read_before TEXT NOT NULL
);
CREATE INDEX users_fever_key ON users (fever_key);
CREATE TABLE user_tokens (
    id {pk},
    user_id {bigint} NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    label TEXT,
    created_at TEXT NOT NULL,
    last_used_at TEXT
);
CREATE INDEX user_tokens_user ON user_tokens (user_id, kind);
CREATE TABLE article_marks (
    user_id {bigint} NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    article_id {bigint} NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    is_read INTEGER,
    starred INTEGER NOT NULL DEFAULT 0,
    marked_at TEXT NOT NULL,
    PRIMARY KEY (user_id, article_id)
);
CREATE INDEX article_marks_starred ON article_marks (user_id, starred);
CREATE TABLE story_reads (
    user_id {bigint} NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    story_id {bigint} NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    read_at TEXT,
    seen_articles TEXT,
    starred INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, story_id)
);
CREATE INDEX story_reads_starred ON story_reads (user_id, starred);
CREATE TABLE user_hidden (
    user_id {bigint} NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (user_id, kind, value)
);
CREATE INDEX articles_seen ON articles (first_seen_at);
CREATE INDEX articles_source_seen ON articles (source_id, first_seen_at)
"""),
    (8, "entities: the names each article holds, the things they resolve to, per article and per story", """
CREATE TABLE entities (
    id {pk},
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    match_key TEXT NOT NULL,
    parent_id {bigint} REFERENCES entities(id) ON DELETE SET NULL,
    first_seen TEXT,
    last_seen TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (type, match_key)
);
CREATE INDEX entities_parent ON entities (parent_id);
CREATE INDEX entities_key ON entities (match_key);
CREATE TABLE entity_aliases (
    alias_key TEXT NOT NULL,
    type TEXT NOT NULL,
    entity_id {bigint} NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    PRIMARY KEY (alias_key, type, entity_id)
);
CREATE INDEX entity_aliases_entity ON entity_aliases (entity_id);
CREATE TABLE entity_scans (
    article_id {bigint} PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    text_hash TEXT NOT NULL,
    model TEXT NOT NULL,
    scanned_at TEXT NOT NULL
);
CREATE TABLE article_mentions (
    article_id {bigint} NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    mentions INTEGER NOT NULL,
    PRIMARY KEY (article_id, type, name)
);
CREATE TABLE article_entities (
    article_id {bigint} NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    entity_id {bigint} NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    mentions INTEGER NOT NULL,
    PRIMARY KEY (article_id, entity_id)
);
CREATE INDEX article_entities_entity ON article_entities (entity_id, article_id);
CREATE TABLE story_entities (
    story_id {bigint} NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    entity_id {bigint} NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    sources INTEGER NOT NULL,
    mentions INTEGER NOT NULL,
    PRIMARY KEY (story_id, entity_id)
);
CREATE INDEX story_entities_entity ON story_entities (entity_id, story_id)
"""),
    (9, "following and alerts: watchlists and their query terms, the stories each has matched, the alert "
        "outbox (one row per idempotency key), pushes and their log, block/keep rules, digests", """
CREATE TABLE watchlists (
    id {pk},
    user_id {bigint} NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    label TEXT NOT NULL,
    entity_id {bigint},
    source_id {bigint},
    story_id {bigint},
    folder TEXT,
    query_terms TEXT,
    events TEXT NOT NULL,
    quiet_start INTEGER,
    quiet_end INTEGER,
    min_gap_hours REAL,
    webhook_url TEXT,
    webhook_secret TEXT,
    webhook_failures INTEGER NOT NULL DEFAULT 0,
    webhook_disabled TEXT,
    email TEXT,
    feed_token_hash TEXT UNIQUE,
    created_at TEXT NOT NULL
);
CREATE INDEX watchlists_user ON watchlists (user_id, id);
CREATE INDEX watchlists_entity ON watchlists (entity_id);
CREATE INDEX watchlists_source ON watchlists (source_id);
CREATE INDEX watchlists_story ON watchlists (story_id);
CREATE INDEX watchlists_folder ON watchlists (folder);
CREATE INDEX watchlists_kind ON watchlists (kind);
CREATE TABLE watchlist_terms (
    term TEXT NOT NULL,
    watchlist_id {bigint} NOT NULL REFERENCES watchlists(id) ON DELETE CASCADE,
    PRIMARY KEY (term, watchlist_id)
);
CREATE INDEX watchlist_terms_watchlist ON watchlist_terms (watchlist_id);
CREATE TABLE watched_stories (
    watchlist_id {bigint} NOT NULL REFERENCES watchlists(id) ON DELETE CASCADE,
    story_id {bigint} NOT NULL,
    sources INTEGER NOT NULL,
    seen_at TEXT NOT NULL,
    last_alert_at TEXT,
    PRIMARY KEY (watchlist_id, story_id)
);
CREATE INDEX watched_stories_story ON watched_stories (story_id);
CREATE INDEX watched_stories_seen ON watched_stories (seen_at);
CREATE TABLE alerts (
    id {pk},
    user_id {bigint} NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    watchlist_id {bigint} NOT NULL REFERENCES watchlists(id) ON DELETE CASCADE,
    story_id {bigint} NOT NULL,
    event TEXT NOT NULL,
    version TEXT NOT NULL,
    created_at TEXT NOT NULL,
    due_at TEXT NOT NULL,
    headline TEXT NOT NULL,
    detail TEXT NOT NULL,
    sources INTEGER NOT NULL,
    article_id {bigint},
    suppressed INTEGER NOT NULL DEFAULT 0,
    read_at TEXT,
    UNIQUE (user_id, watchlist_id, story_id, event, version)
);
CREATE INDEX alerts_user ON alerts (user_id, suppressed, id);
CREATE INDEX alerts_unread ON alerts (user_id, read_at);
CREATE INDEX alerts_watchlist ON alerts (watchlist_id, id);
CREATE TABLE digests (
    user_id {bigint} PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    period TEXT NOT NULL,
    email TEXT,
    hour INTEGER NOT NULL,
    next_at TEXT NOT NULL,
    last_at TEXT,
    feed_token_hash TEXT UNIQUE
);
CREATE INDEX digests_next ON digests (next_at);
CREATE TABLE digest_issues (
    id {pk},
    user_id {bigint} NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    issue_key TEXT NOT NULL,
    made_at TEXT NOT NULL,
    title TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    stories TEXT NOT NULL,
    UNIQUE (user_id, issue_key)
);
CREATE TABLE alert_deliveries (
    id {pk},
    user_id {bigint} NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    watchlist_id {bigint} REFERENCES watchlists(id) ON DELETE CASCADE,
    alert_id {bigint} REFERENCES alerts(id) ON DELETE CASCADE,
    issue_id {bigint} REFERENCES digest_issues(id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    target TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at TEXT NOT NULL,
    claimed_at TEXT,
    last_error TEXT,
    sent_at TEXT,
    UNIQUE (alert_id, channel),
    UNIQUE (issue_id, channel)
);
CREATE INDEX alert_deliveries_due ON alert_deliveries (state, next_at);
CREATE INDEX alert_deliveries_watchlist ON alert_deliveries (watchlist_id, state);
CREATE TABLE delivery_log (
    id {pk},
    delivery_id {bigint} NOT NULL REFERENCES alert_deliveries(id) ON DELETE CASCADE,
    user_id {bigint} NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    watchlist_id {bigint} REFERENCES watchlists(id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    target TEXT NOT NULL,
    at TEXT NOT NULL,
    ok INTEGER NOT NULL,
    status INTEGER,
    error TEXT,
    duration_ms REAL
);
CREATE INDEX delivery_log_user ON delivery_log (user_id, id);
CREATE INDEX delivery_log_delivery ON delivery_log (delivery_id);
CREATE TABLE user_rules (
    id {pk},
    user_id {bigint} NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    action TEXT NOT NULL,
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    label TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (user_id, action, kind, value)
)
"""),
    (10, "original (non-reprint) articles per source and day of first sight, kept by triggers, for unread counts", {
        "sqlite": [
            _SOURCE_DAYS_TABLE,
            """CREATE TRIGGER source_days_article_insert AFTER INSERT ON articles WHEN new.source_id IS NOT NULL
BEGIN
    INSERT INTO source_day_counts (source_id, day, n) SELECT new.source_id, substr(new.first_seen_at, 1, 10), 1
        WHERE NOT EXISTS (SELECT 1 FROM copies WHERE copy_id = new.id)
        ON CONFLICT (source_id, day) DO UPDATE SET n = n + 1;
END""",
            """CREATE TRIGGER source_days_article_delete BEFORE DELETE ON articles WHEN old.source_id IS NOT NULL
BEGIN
    INSERT INTO source_day_counts (source_id, day, n) SELECT old.source_id, substr(old.first_seen_at, 1, 10), -1
        WHERE NOT EXISTS (SELECT 1 FROM copies WHERE copy_id = old.id)
        ON CONFLICT (source_id, day) DO UPDATE SET n = n - 1;
END""",
            """CREATE TRIGGER source_days_article_move AFTER UPDATE OF source_id, first_seen_at ON articles
WHEN old.source_id IS NOT new.source_id OR old.first_seen_at IS NOT new.first_seen_at
BEGIN
    INSERT INTO source_day_counts (source_id, day, n) SELECT old.source_id, substr(old.first_seen_at, 1, 10), -1
        WHERE old.source_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM copies WHERE copy_id = old.id)
        ON CONFLICT (source_id, day) DO UPDATE SET n = n - 1;
    INSERT INTO source_day_counts (source_id, day, n) SELECT new.source_id, substr(new.first_seen_at, 1, 10), 1
        WHERE new.source_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM copies WHERE copy_id = new.id)
        ON CONFLICT (source_id, day) DO UPDATE SET n = n + 1;
END""",
            """CREATE TRIGGER source_days_copy_insert AFTER INSERT ON copies BEGIN
    INSERT INTO source_day_counts (source_id, day, n) SELECT a.source_id, substr(a.first_seen_at, 1, 10), -1
        FROM articles a WHERE a.id = new.copy_id AND a.source_id IS NOT NULL
        ON CONFLICT (source_id, day) DO UPDATE SET n = n - 1;
END""",
            """CREATE TRIGGER source_days_copy_delete AFTER DELETE ON copies BEGIN
    INSERT INTO source_day_counts (source_id, day, n) SELECT a.source_id, substr(a.first_seen_at, 1, 10), 1
        FROM articles a WHERE a.id = old.copy_id AND a.source_id IS NOT NULL
        ON CONFLICT (source_id, day) DO UPDATE SET n = n + 1;
END""",
            _SOURCE_DAYS_FILL,
        ],
        "postgresql": [
            _SOURCE_DAYS_TABLE,
            """CREATE FUNCTION source_days_add(source BIGINT, seen TEXT, delta INTEGER) RETURNS void AS $$
BEGIN
    IF source IS NOT NULL AND seen IS NOT NULL THEN
        INSERT INTO source_day_counts (source_id, day, n) VALUES (source, substr(seen, 1, 10), delta)
            ON CONFLICT (source_id, day) DO UPDATE SET n = source_day_counts.n + excluded.n;
    END IF;
END $$ LANGUAGE plpgsql""",
            """CREATE FUNCTION source_days_article() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND NOT EXISTS (SELECT 1 FROM copies WHERE copy_id = OLD.id) THEN
        PERFORM source_days_add(OLD.source_id, OLD.first_seen_at, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NOT EXISTS (SELECT 1 FROM copies WHERE copy_id = NEW.id) THEN
        PERFORM source_days_add(NEW.source_id, NEW.first_seen_at, 1);
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql""",
            "CREATE TRIGGER source_days_article_insert AFTER INSERT ON articles FOR EACH ROW "
            "EXECUTE FUNCTION source_days_article()",
            "CREATE TRIGGER source_days_article_delete BEFORE DELETE ON articles FOR EACH ROW "
            "EXECUTE FUNCTION source_days_article()",
            "CREATE TRIGGER source_days_article_move AFTER UPDATE OF source_id, first_seen_at ON articles FOR EACH ROW "
            "WHEN (OLD.source_id IS DISTINCT FROM NEW.source_id OR OLD.first_seen_at IS DISTINCT FROM NEW.first_seen_at) "
            "EXECUTE FUNCTION source_days_article()",
            """CREATE FUNCTION source_days_copy() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM source_days_add(a.source_id, a.first_seen_at, -1) FROM articles a WHERE a.id = NEW.copy_id;
    ELSE
        PERFORM source_days_add(a.source_id, a.first_seen_at, 1) FROM articles a WHERE a.id = OLD.copy_id;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql""",
            "CREATE TRIGGER source_days_copy AFTER INSERT OR DELETE ON copies FOR EACH ROW "
            "EXECUTE FUNCTION source_days_copy()",
            _SOURCE_DAYS_FILL,
        ],
    }),
    (11, "corrections of the grouping: the log (who, when, what, undone), the links people made or broke "
         "between articles, and per-story overrides (headline, hidden, pinned)", """
CREATE TABLE corrections (
    id {pk},
    kind TEXT NOT NULL,
    story_id {bigint},
    target_id {bigint},
    detail TEXT NOT NULL,
    actor TEXT NOT NULL,
    created_at TEXT NOT NULL,
    undone_at TEXT,
    undone_by TEXT
);
CREATE INDEX corrections_story ON corrections (story_id);
CREATE TABLE grouping_links (
    correction_id {bigint} NOT NULL REFERENCES corrections(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    article_a {bigint} NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    article_b {bigint} NOT NULL REFERENCES articles(id) ON DELETE CASCADE
);
CREATE INDEX grouping_links_correction ON grouping_links (correction_id);
CREATE TABLE story_overrides (
    story_id {bigint} PRIMARY KEY REFERENCES stories(id) ON DELETE CASCADE,
    headline TEXT,
    hidden INTEGER NOT NULL DEFAULT 0,
    pinned INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL
)
"""),
    (12, "why each article joined its story: the join model's probability, its facts and the runner-up", """
CREATE TABLE join_reasons (
    article_id {bigint} PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    probability REAL,
    facts TEXT NOT NULL,
    runner_up_story {bigint},
    runner_up_probability REAL,
    copy_of {bigint}
)
"""),
    (13, "coverage by side: the label groups the admin defines (labels in their order, '|'-joined) and the label "
         "each source carries in a group", """
CREATE TABLE label_groups (
    name TEXT PRIMARY KEY,
    labels TEXT NOT NULL
);
CREATE TABLE source_labels (
    source_id {bigint} NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    label_group TEXT NOT NULL REFERENCES label_groups(name) ON DELETE CASCADE,
    label TEXT NOT NULL,
    PRIMARY KEY (source_id, label_group)
);
CREATE INDEX source_labels_group ON source_labels (label_group, label)
"""),
    (19, "backfills: how far each input was read, and the bad records met", """
CREATE TABLE backfill_inputs (
    input_key TEXT PRIMARY KEY,
    done {bigint} NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE backfill_errors (
    id {pk},
    origin TEXT NOT NULL,
    message TEXT NOT NULL,
    at TEXT NOT NULL
)
"""),
]

DIALECTS = {
    "sqlite": {"pk": "INTEGER PRIMARY KEY", "blob": "BLOB", "bigint": "INTEGER"},
    "postgresql": {"pk": "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", "blob": "BYTEA",
                   "bigint": "BIGINT"},
}


def statements(sql: str | dict[str, list[str]], dialect: str) -> list[str]:
    if isinstance(sql, dict):
        return list(sql[dialect])
    filled = sql.format(**DIALECTS[dialect])
    return [s.strip() for s in filled.split(";") if s.strip()]
