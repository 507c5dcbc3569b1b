-- Version 1: the canonical tables. Times are UTC instants (TIMESTAMPTZ).
CREATE SEQUENCE import_ids START 1;

CREATE TABLE imports (
    import_id    BIGINT PRIMARY KEY,
    source       VARCHAR NOT NULL,
    name         VARCHAR NOT NULL,      -- what the user gave (file, or zip!member)
    unit_hash    VARCHAR NOT NULL,      -- sha256 over the files read together
    files        JSON,                  -- [{"name":..., "sha256":..., "bytes":...}]
    started_at   TIMESTAMPTZ NOT NULL,
    finished_at  TIMESTAMPTZ NOT NULL,
    observed_at  TIMESTAMPTZ,           -- when the platform's numbers were true
    counts       JSON,                  -- {"posts": {"new":..,"updated":..,"unchanged":..}, ...}
    warnings     JSON                   -- ["...", ...]
);

CREATE TABLE people (
    person      VARCHAR PRIMARY KEY,
    role        VARCHAR,
    team        VARCHAR,
    cost_per_hour DOUBLE
);

CREATE TABLE accounts (
    account_id   VARCHAR PRIMARY KEY,   -- platform:handle
    platform     VARCHAR NOT NULL,
    handle       VARCHAR NOT NULL,
    display_name VARCHAR,
    native_id    VARCHAR,
    is_official  BOOLEAN NOT NULL DEFAULT FALSE,  -- declared in the profile as the organisation's
    person       VARCHAR,                          -- declared as a member of staff's own account
    import_id    BIGINT
);

CREATE TABLE posts (
    post_key     VARCHAR PRIMARY KEY,   -- platform:native_id
    platform     VARCHAR NOT NULL,
    native_id    VARCHAR NOT NULL,
    account_id   VARCHAR,
    published_at TIMESTAMPTZ NOT NULL,
    kind         VARCHAR NOT NULL,      -- original | reply | repost | quote
    format       VARCHAR,               -- text | image | video | link | carousel | reel | story | live | other
    text         VARCHAR,
    language     VARCHAR,
    url          VARCHAR,
    in_reply_to  VARCHAR,
    hashtags     VARCHAR[],
    mentions     VARCHAR[],
    links        VARCHAR[],
    labels       VARCHAR[],
    extra        JSON,                  -- columns/fields we do not map, kept as given
    import_id    BIGINT,                -- the import that last changed the row
    first_import_id BIGINT
);

-- One row per post per observation; exports carry lifetime totals at export time.
CREATE TABLE post_metrics (
    post_key     VARCHAR NOT NULL,
    observed_at  TIMESTAMPTZ NOT NULL,
    impressions  BIGINT,
    reach        BIGINT,
    views        BIGINT,
    reactions    BIGINT,
    comments     BIGINT,
    shares       BIGINT,
    saves        BIGINT,
    clicks       BIGINT,
    video_views  BIGINT,
    watch_time_seconds DOUBLE,
    import_id    BIGINT
);

CREATE TABLE interactions (
    interaction_key VARCHAR PRIMARY KEY, -- platform:native_id
    platform     VARCHAR NOT NULL,
    native_id    VARCHAR NOT NULL,
    kind         VARCHAR NOT NULL,      -- comment | reply | mention | message | review
    post_key     VARCHAR,
    in_reply_to  VARCHAR,
    author       VARCHAR,
    from_organisation BOOLEAN,
    created_at   TIMESTAMPTZ NOT NULL,
    text         VARCHAR,
    language     VARCHAR,
    extra        JSON,
    import_id    BIGINT,
    first_import_id BIGINT
);

CREATE TABLE audience_daily (
    platform     VARCHAR NOT NULL,
    account_id   VARCHAR NOT NULL,
    date         DATE NOT NULL,
    followers    BIGINT,
    gained       BIGINT,
    lost         BIGINT,
    visits       BIGINT,
    import_id    BIGINT,
    first_import_id BIGINT,
    PRIMARY KEY (platform, account_id, date)
);

CREATE TABLE effort (
    entry_key    VARCHAR PRIMARY KEY,
    person       VARCHAR NOT NULL,
    date         DATE NOT NULL,
    minutes      DOUBLE NOT NULL,
    platform     VARCHAR,
    activity     VARCHAR,
    note         VARCHAR,
    source       VARCHAR,
    import_id    BIGINT,
    first_import_id BIGINT
);

-- Items as the platform gave them, so a mapping fix can re-map without re-importing.
CREATE TABLE raw_items (
    import_id    BIGINT NOT NULL,
    source       VARCHAR NOT NULL,
    item_no      BIGINT NOT NULL,
    kind         VARCHAR,
    item_key     VARCHAR,
    payload      VARCHAR
);
