-- Version 13 (issue 13): an initiative links the actions and experiments that carry it out
-- (their ids), beside the findings it answers, so the report can say which linked actions
-- were done since the last meeting.
ALTER TABLE initiatives ADD COLUMN actions BIGINT[];
ALTER TABLE initiatives ADD COLUMN experiments BIGINT[];
