-- Version 8: page-level daily impressions (LinkedIn's content export, sheet `Metrics`:
-- `Impressions (total)`), NULL where a platform does not give them.
ALTER TABLE audience_daily ADD COLUMN impressions BIGINT;

-- What the files of each import could fill ("table.column", as Source.fills), from the kinds
-- of file it read (a LinkedIn followers export holds no posts): metrics/availability.py counts
-- an import as covering only those columns. NULL: all its source fills (imports before
-- version 8, and sources whose files are all of one kind).
ALTER TABLE imports ADD COLUMN fills VARCHAR[];
