-- A record written on another China day than its order's (a reply after midnight, a refund a week later)
-- is listed here under the day it was written, so a counter's day reads its own orders by (terminal, od)
-- and these few extras, without a second index on every record. Ingest fills it.
CREATE TABLE written_elsewhere (
  terminal_id  text   NOT NULL,
  wd           date   NOT NULL,
  seq          bigint NOT NULL,
  PRIMARY KEY (terminal_id, wd, seq)
);
INSERT INTO written_elsewhere (terminal_id, wd, seq)
  SELECT terminal_id, (at AT TIME ZONE 'Asia/Shanghai')::date, seq FROM records
  WHERE (at AT TIME ZONE 'Asia/Shanghai')::date <> od;
DROP INDEX records_terminal_at;
