-- The market-data tables, the same on every backend.  @price@ is the type of
-- prices and volumes (double precision, or numeric with --numeric);
-- @partitioning@ is what the backend puts after CREATE TABLE
-- (tsq_backend_table_clause in common/backend.c).

-- step: created table symbols
-- unless: SELECT tsq.has_relation($1, 'symbols')
-- params: schema
CREATE TABLE symbols (
    symbol        text PRIMARY KEY,
    name          text,
    type          text,
    market        text,
    currency      text,
    active        boolean DEFAULT true,
    metadata      jsonb,
    last_updated  timestamptz
);

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
