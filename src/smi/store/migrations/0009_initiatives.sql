-- Version 8 (issue 13): the initiatives shortlist that lives across meetings. Impact and
-- effort are scored 1 (low) to 5 (high); every scoring is kept (initiative_scores), so the
-- report can say what moved since the last meeting. `findings` holds the full ids of the
-- findings an initiative answers (smi.insights.finding.Finding.id).
CREATE TABLE initiatives (
    initiative_id BIGINT PRIMARY KEY DEFAULT nextval('practice_ids'),
    title        VARCHAR NOT NULL,
    owner        VARCHAR,
    impact       INTEGER,               -- latest score, 1..5; NULL: not scored yet
    effort       INTEGER,               -- latest score, 1..5
    status       VARCHAR NOT NULL DEFAULT 'open',  -- open | done | dropped
    findings     VARCHAR[],
    created_at   TIMESTAMPTZ NOT NULL,
    closed_at    TIMESTAMPTZ,
    outcome      VARCHAR                -- what came of it, said when closed
);

CREATE TABLE initiative_scores (
    initiative_id BIGINT NOT NULL,
    scored_at    TIMESTAMPTZ NOT NULL,
    impact       INTEGER NOT NULL,
    effort       INTEGER NOT NULL,
    note         VARCHAR
);

-- Each own post's and each interaction's purpose (promote | serve customers | develop
-- products | collaborate | other), set by `smi purposes apply` from the profile's rules
-- (smi.purposes); NULL until then.
ALTER TABLE posts ADD COLUMN purpose VARCHAR;
ALTER TABLE interactions ADD COLUMN purpose VARCHAR;
