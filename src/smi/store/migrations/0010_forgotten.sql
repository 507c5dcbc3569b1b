-- Version 8: the right to be forgotten (smi forget). One row per account or person erased:
-- a later import skips their rows and redacts them from the rows it keeps, so an old export
-- does not bring them back. The value must be kept for that (a suppression list); it is
-- the only place it stays. kind: 'account' (value = platform:handle) | 'person' (a name).
CREATE TABLE forgotten (
    kind         VARCHAR NOT NULL,
    value        VARCHAR NOT NULL,
    forgotten_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (kind, value)
);
