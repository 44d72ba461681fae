-- Counters, the records they replicate, and what ingest notices.

CREATE TABLE counters (
  terminal_id   text PRIMARY KEY,
  store_id      text NOT NULL,
  name          text,
  -- SHA-256 of the token (tokens are 32 random bytes: no slow hash needed). The token itself is never stored.
  token_hash    text NOT NULL UNIQUE,
  created_at    timestamptz NOT NULL DEFAULT now(),
  revoked_at    timestamptz,
  last_seen_at  timestamptz
);
CREATE INDEX counters_store ON counters (store_id);

-- One row per journal record of one counter: the key is (terminal, sequence), the hash is its identity.
-- `body` is the record's JSON exactly as the counter wrote it (json, not jsonb: key order is kept, so the
-- chain hash can be checked again at any time).
CREATE TABLE records (
  terminal_id  text   NOT NULL,
  seq          bigint NOT NULL,
  hash         text   NOT NULL,
  store_id     text   NOT NULL,
  at           timestamptz NOT NULL,
  t            text   NOT NULL,
  k            text   NOT NULL,
  od           date   NOT NULL,
  body         json   NOT NULL,
  received_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (terminal_id, seq)
);
CREATE INDEX records_terminal_od ON records (terminal_id, od);
CREATE INDEX records_terminal_at ON records (terminal_id, at);

-- The contiguous high-water mark per counter: every sequence 1..hwm is stored. Counters resume from it.
CREATE TABLE terminal_state (
  terminal_id     text PRIMARY KEY,
  hwm             bigint NOT NULL DEFAULT 0,
  hwm_hash        text,
  max_seq         bigint NOT NULL DEFAULT 0,
  last_batch_at   timestamptz
);

-- The same key offered with a different hash: never overwritten, kept here for a person to look at.
CREATE TABLE conflicts (
  id             bigserial PRIMARY KEY,
  terminal_id    text   NOT NULL,
  seq            bigint NOT NULL,
  stored_hash    text   NOT NULL,
  offered_hash   text   NOT NULL,
  offered_body   json   NOT NULL,
  detected_at    timestamptz NOT NULL DEFAULT now(),
  resolved_at    timestamptz,
  UNIQUE (terminal_id, seq, offered_hash)
);

CREATE TABLE alerts (
  id           bigserial PRIMARY KEY,
  kind         text NOT NULL,
  terminal_id  text,
  store_id     text,
  message_zh   text NOT NULL,
  message_en   text NOT NULL,
  at           timestamptz NOT NULL DEFAULT now(),
  acknowledged_at timestamptz
);

-- The latest state of each order key per counter (from records that carry `un`): unresolved orders
-- chain-wide without scanning the records.
CREATE TABLE order_state (
  terminal_id  text   NOT NULL,
  k            text   NOT NULL,
  store_id     text   NOT NULL,
  od           date   NOT NULL,
  seq          bigint NOT NULL,
  un           boolean NOT NULL,
  st           text,
  PRIMARY KEY (terminal_id, k)
);
CREATE INDEX order_state_open ON order_state (un) WHERE un;
