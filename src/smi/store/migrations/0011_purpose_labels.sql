-- Version 11 (issue 13): purposes from people and from a model. `purpose_labels` holds the
-- purposes a person gave (`smi label`): the model never overwrites them and learns from them.
-- Each post's and interaction's purpose now says where it came from (`purpose_source`:
-- person | label | rule | model | none) and, for the model, how sure it was
-- (`purpose_confidence`, the model's probability of the purpose it gave, 0..1; NULL otherwise).
CREATE TABLE purpose_labels (
    item_table   VARCHAR NOT NULL,      -- posts | interactions
    item_key     VARCHAR NOT NULL,      -- post_key or interaction_key
    purpose      VARCHAR NOT NULL,      -- promote | serve customers | develop products | collaborate | other
    labelled_by  VARCHAR,               -- who gave it (the login name at the terminal), NULL: not known
    labelled_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (item_table, item_key)
);

ALTER TABLE posts ADD COLUMN purpose_source VARCHAR;
ALTER TABLE posts ADD COLUMN purpose_confidence DOUBLE;
ALTER TABLE interactions ADD COLUMN purpose_source VARCHAR;
ALTER TABLE interactions ADD COLUMN purpose_confidence DOUBLE;
