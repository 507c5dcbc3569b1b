-- Version 12 (issue 13): the learning survey's answers (smi.survey) in survey_responses
-- (migration 0002 gave it a home). One row per person, round and item: `question` is the
-- item's id (its wording lives in the profile), `answer` a scale item's score, `note` a text
-- item's text, `taken_on` the local day answered. `round` is the round (YYYY-MM of its first
-- month) the answers belong to; answering again in the same round replaces them.
-- `answered_at` is the instant, so a month shows only the answers given by its end.
ALTER TABLE survey_responses ADD COLUMN round VARCHAR;
ALTER TABLE survey_responses ADD COLUMN answered_at TIMESTAMPTZ;
