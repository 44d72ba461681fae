-- Statement reconciliation (对账): the acquirer's statement lines and the saved column mapping per acquirer.
CREATE TABLE acquirer_mappings (
  acquirer    text PRIMARY KEY,
  mapping     json NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE statement_imports (
  id           bigserial PRIMARY KEY,
  acquirer     text NOT NULL,
  file_name    text,
  lines        integer NOT NULL,
  skipped      integer NOT NULL,
  imported_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE statement_lines (
  import_id      bigint NOT NULL REFERENCES statement_imports (id),
  acquirer       text NOT NULL,
  day            date NOT NULL,
  merchant_order text NOT NULL,
  kind           text NOT NULL,
  amount_fen     bigint NOT NULL,
  status         text NOT NULL,
  store_id       text,
  raw            json NOT NULL,
  PRIMARY KEY (acquirer, merchant_order, kind)
);
CREATE INDEX statement_lines_day ON statement_lines (day);
