-- Version 4: the large fact tables lose their PRIMARY KEY indexes.
-- DuckDB keeps a key index in memory and cannot spill it to disk, so 10M interactions
-- needed over 1 GB for the index alone. Keys stay unique because every write goes through
-- ImportWriter's merge (duplicates within an import are dropped, existing keys are updated,
-- only new keys are inserted); tests/store/test_keys.py checks it.
CREATE TABLE posts_v4 AS SELECT * FROM posts;
DROP TABLE posts;
ALTER TABLE posts_v4 RENAME TO posts;

CREATE TABLE interactions_v4 AS SELECT * FROM interactions;
DROP TABLE interactions;
ALTER TABLE interactions_v4 RENAME TO interactions;

CREATE TABLE effort_v4 AS SELECT * FROM effort;
DROP TABLE effort;
ALTER TABLE effort_v4 RENAME TO effort;

CREATE TABLE audience_daily_v4 AS SELECT * FROM audience_daily;
DROP TABLE audience_daily;
ALTER TABLE audience_daily_v4 RENAME TO audience_daily;
