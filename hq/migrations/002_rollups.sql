-- Per counter and day: that counter's own 日结 (the shared report module's output), rebuilt after ingest
-- changes it. A chain's day is then a merge of small JSON documents instead of a scan of every record.
-- `gen` counts ingests that touched the day, `built_gen` the one the report was built from: stale while
-- built_gen < gen (an ingest during a rebuild leaves it stale, never wrongly fresh).
CREATE TABLE rollup_terminal_day (
  terminal_id   text   NOT NULL,
  day           date   NOT NULL,
  store_id      text   NOT NULL,
  gen           bigint NOT NULL DEFAULT 1,
  built_gen     bigint NOT NULL DEFAULT 0,
  report        json,
  refreshed_at  timestamptz,
  PRIMARY KEY (terminal_id, day)
);
CREATE INDEX rollup_day ON rollup_terminal_day (day, store_id);
