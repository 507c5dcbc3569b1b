-- Version 3: where each open-API pull got to, so the next pull fetches only what is new.
CREATE TABLE pull_state (
    source       VARCHAR NOT NULL,      -- e.g. mastodon_api
    account      VARCHAR NOT NULL,      -- e.g. ourcharity@example.social
    state        JSON NOT NULL,         -- the source's cursor, e.g. {"newest_status_id": "..."}
    updated_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (source, account)
);
