-- Version 6: a month's findings are a function of the data they were computed from.
-- finding_runs records, per month, the key of the data (and profile and code) its stored
-- findings came from; a month whose key no longer matches is computed again.
CREATE TABLE finding_runs (
    month        VARCHAR PRIMARY KEY,
    data_key     VARCHAR NOT NULL,
    computed_at  TIMESTAMPTZ NOT NULL
);

-- The day the team agreed an experiment (a meeting, or the day it was recorded): its window
-- may not start long before it, so a change is never judged on days chosen afterwards.
ALTER TABLE experiments ADD COLUMN agreed_on DATE;

-- TikTok Studio's daily audience: viewers (total, new, returning) and video views across
-- the account. NULL where a platform does not give them.
ALTER TABLE audience_daily ADD COLUMN viewers BIGINT;
ALTER TABLE audience_daily ADD COLUMN new_viewers BIGINT;
ALTER TABLE audience_daily ADD COLUMN returning_viewers BIGINT;
ALTER TABLE audience_daily ADD COLUMN views BIGINT;
