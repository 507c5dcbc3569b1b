-- Version 2: the month-to-month practice loop and the relationship map.
CREATE SEQUENCE practice_ids START 1;

CREATE TABLE stakeholder_groups (
    group_id     BIGINT PRIMARY KEY DEFAULT nextval('practice_ids'),
    name         VARCHAR NOT NULL,      -- audiences, partners, funders, press, customers …
    kind         VARCHAR,
    aim          VARCHAR,               -- what the organisation wants from this group
    priority     INTEGER,
    holder       VARCHAR                -- member of staff who holds the relationship
);

CREATE TABLE stakeholders (
    stakeholder_id BIGINT PRIMARY KEY DEFAULT nextval('practice_ids'),
    group_id     BIGINT,
    name         VARCHAR NOT NULL,
    platform     VARCHAR,
    handle       VARCHAR,
    holder       VARCHAR
);

CREATE TABLE survey_responses (          -- the skills and confidence benchmark, repeated
    person       VARCHAR NOT NULL,
    taken_on     DATE NOT NULL,
    question     VARCHAR NOT NULL,
    answer       DOUBLE,
    note         VARCHAR
);

CREATE TABLE meetings (
    meeting_id   BIGINT PRIMARY KEY DEFAULT nextval('practice_ids'),
    held_on      DATE NOT NULL,
    attendees    VARCHAR[],
    notes        VARCHAR
);

CREATE TABLE actions (
    action_id    BIGINT PRIMARY KEY DEFAULT nextval('practice_ids'),
    meeting_id   BIGINT,
    title        VARCHAR NOT NULL,
    owner        VARCHAR,
    due          DATE,
    status       VARCHAR NOT NULL DEFAULT 'open',
    finding_id   VARCHAR,
    created_at   TIMESTAMPTZ,
    done_at      TIMESTAMPTZ
);

CREATE TABLE experiments (
    experiment_id BIGINT PRIMARY KEY DEFAULT nextval('practice_ids'),
    title        VARCHAR NOT NULL,
    hypothesis   VARCHAR,
    metric       VARCHAR,
    subject      JSON,
    starts_on    DATE,
    ends_on      DATE,
    status       VARCHAR NOT NULL DEFAULT 'running',
    result       JSON
);

CREATE TABLE findings (
    month        VARCHAR NOT NULL,
    finding_id   VARCHAR NOT NULL,
    detector     VARCHAR NOT NULL,
    question     VARCHAR NOT NULL,
    body         JSON NOT NULL,
    PRIMARY KEY (month, finding_id)
);
