-- Version 5: text enrichment (smi enrich): language, sentiment, questions, topics.
-- language_source: 'given' (the import supplied the language, e.g. a canonical CSV) or
-- 'detected' (lingua). enriched_import_id: the row's import_id when it was last enriched,
-- so only new or changed rows are enriched again.
ALTER TABLE posts ADD COLUMN language_source VARCHAR;
ALTER TABLE posts ADD COLUMN sentiment DOUBLE;          -- VADER compound, -1..1; NULL unless English
ALTER TABLE posts ADD COLUMN sentiment_label VARCHAR;   -- positive | neutral | negative | unknown
ALTER TABLE posts ADD COLUMN enriched_import_id BIGINT;

ALTER TABLE interactions ADD COLUMN language_source VARCHAR;
ALTER TABLE interactions ADD COLUMN sentiment DOUBLE;
ALTER TABLE interactions ADD COLUMN sentiment_label VARCHAR;
ALTER TABLE interactions ADD COLUMN is_question BOOLEAN;  -- inbound items only; NULL otherwise
ALTER TABLE interactions ADD COLUMN enriched_import_id BIGINT;

-- Topic clusters (TF-IDF + NMF) per scope and period.
-- scope: 'posts' (what the organisation writes) | 'audience' (inbound interactions);
-- period: 'YYYY-MM' (local month) or 'all'.
CREATE TABLE topics (
    scope        VARCHAR NOT NULL,
    period       VARCHAR NOT NULL,
    topic        INTEGER NOT NULL,
    label        VARCHAR NOT NULL,      -- its top three keywords
    keywords     VARCHAR[] NOT NULL,
    weights      DOUBLE[] NOT NULL,
    documents    BIGINT NOT NULL,       -- texts whose strongest topic this is (in the sample)
    share        DOUBLE NOT NULL,       -- documents / texts analysed
    analysed     BIGINT NOT NULL,       -- texts analysed (a random sample above the cap)
    computed_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (scope, period, topic)
);

-- The most distinctive words (summed TF-IDF) per scope and period.
CREATE TABLE keywords (
    scope        VARCHAR NOT NULL,
    period       VARCHAR NOT NULL,
    rank         INTEGER NOT NULL,
    keyword      VARCHAR NOT NULL,
    score        DOUBLE NOT NULL,
    documents    BIGINT NOT NULL,       -- texts containing it (in the sample)
    PRIMARY KEY (scope, period, rank)
);
