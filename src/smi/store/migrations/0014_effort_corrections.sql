-- Version 14 (issue 12): a time entry a person corrected or removed by hand (the web app's
-- time log) stays corrected or removed when an overlapping Toggl or Clockify report, or the
-- same rows in another file, is imported again. One row per entry key: an import drops its
-- staged rows with these keys before the merge, so the held row (or its absence) stands.
-- kind: 'corrected' | 'removed'. A person typing the entry again by hand lifts it.
CREATE TABLE effort_corrections (
    entry_key    VARCHAR PRIMARY KEY,
    kind         VARCHAR NOT NULL,
    changed_at   TIMESTAMPTZ NOT NULL
);
