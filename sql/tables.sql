-- The market-data tables, the same on every backend.  @price@ is the type of
-- prices and volumes (double precision, or numeric with --numeric);
-- @partitioning@ is what the backend puts after CREATE TABLE
-- (tsq_backend_table_clause in common/backend.c).

-- step: created table symbols
-- unless: SELECT tsq.has_relation($1, 'symbols')
-- params: schema
-- The symbols: tsq-load adds each symbol it writes to a table of this
-- schema (first_seen and last_seen: the oldest and newest time it wrote for
-- it; tables: the tables it wrote it to); the other columns are the user's.
-- tsq-stats' stale check looks at the symbols marked active, in the tables
-- named (all of them when tables is empty), and at those with rows lately.
CREATE TABLE symbols (
    symbol        text PRIMARY KEY,
    name          text,
    type          text,
    market        text,
    currency      text,
    active        boolean DEFAULT true,
    metadata      jsonb,
    last_updated  timestamptz,
    first_seen    timestamptz,
    last_seen     timestamptz,
    tables        text[]
);

-- step: added first_seen and last_seen to symbols
-- unless: SELECT count(*) = 2 FROM pg_attribute WHERE attrelid = format('%I.%I', $1::text, 'symbols')::regclass AND attname IN ('first_seen', 'last_seen') AND NOT attisdropped
-- version: 3
-- params: schema
ALTER TABLE symbols ADD COLUMN IF NOT EXISTS first_seen timestamptz,
                    ADD COLUMN IF NOT EXISTS last_seen timestamptz;

-- step: added tables to symbols
-- unless: SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = format('%I.%I', $1::text, 'symbols')::regclass AND attname = 'tables' AND NOT attisdropped)
-- params: schema
ALTER TABLE symbols ADD COLUMN IF NOT EXISTS tables text[];

-- step: created table ohlcv
-- unless: SELECT tsq.has_relation($1, 'ohlcv')
-- params: schema
CREATE TABLE ohlcv (
    time       timestamptz NOT NULL,
    symbol     text NOT NULL,
    timeframe  text NOT NULL DEFAULT '1m',
    open       @price@ NOT NULL,
    high       @price@ NOT NULL,
    low        @price@ NOT NULL,
    close      @price@ NOT NULL,
    volume     @price@ NOT NULL DEFAULT 0,
    trades     integer,
    vwap       @price@,
    source     text,
    PRIMARY KEY (symbol, timeframe, time)
) @partitioning@;

-- step: created table trades
-- unless: SELECT tsq.has_relation($1, 'trades')
-- params: schema
CREATE TABLE trades (
    time        timestamptz NOT NULL,
    symbol      text NOT NULL,
    price       @price@ NOT NULL,
    size        @price@ NOT NULL,
    side        text,
    trade_id    bigint NOT NULL,
    exchange    text,
    conditions  text[],
    source      text,
    PRIMARY KEY (symbol, time, trade_id)
) @partitioning@;

-- step: created table quotes
-- unless: SELECT tsq.has_relation($1, 'quotes')
-- params: schema
CREATE TABLE quotes (
    time       timestamptz NOT NULL,
    symbol     text NOT NULL,
    bid_price  @price@,
    bid_size   @price@,
    ask_price  @price@,
    ask_size   @price@,
    exchange   text,
    quote_id   bigint NOT NULL,
    source     text,
    PRIMARY KEY (symbol, time, quote_id)
) @partitioning@;
