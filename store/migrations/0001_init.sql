-- rolo notebook schema, version 1. Never edit once shipped: add 0002_... instead.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE customers (
    id              INTEGER PRIMARY KEY,
    external_id     TEXT UNIQUE,
    name            TEXT NOT NULL CHECK (name <> ''),
    name_pinyin     TEXT NOT NULL DEFAULT '',
    name_initials   TEXT NOT NULL DEFAULT '',
    company         TEXT NOT NULL DEFAULT '',
    title           TEXT NOT NULL DEFAULT '',
    phone           TEXT NOT NULL DEFAULT '',
    email           TEXT NOT NULL DEFAULT '',
    wechat          TEXT NOT NULL DEFAULT '',
    address         TEXT NOT NULL DEFAULT '',
    city            TEXT NOT NULL DEFAULT '',
    birthday        TEXT NOT NULL DEFAULT '',   -- YYYY-MM-DD or --MM-DD (year unknown)
    birthday_lunar  INTEGER NOT NULL DEFAULT 0 CHECK (birthday_lunar IN (0, 1)),
    birthday_leap   INTEGER NOT NULL DEFAULT 0 CHECK (birthday_leap IN (0, 1)),
    gender          TEXT NOT NULL DEFAULT '',
    occupation      TEXT NOT NULL DEFAULT '',
    source          TEXT NOT NULL DEFAULT '',
    referred_by     INTEGER REFERENCES customers(id) ON DELETE SET NULL,
    status          TEXT NOT NULL DEFAULT 'prospect'
                    CHECK (status IN ('prospect','active','lapsed','lost','won_back','dropped')),
    lost_reason     TEXT NOT NULL DEFAULT '',
    attitude        TEXT NOT NULL DEFAULT '',
    preferences     TEXT NOT NULL DEFAULT '',
    needs           TEXT NOT NULL DEFAULT '',
    notes           TEXT NOT NULL DEFAULT '',
    tags            TEXT NOT NULL DEFAULT '',   -- normalised: comma separated, no spaces around
    custom          TEXT NOT NULL DEFAULT '{}', -- JSON object of string values
    cadence_days    INTEGER CHECK (cadence_days IS NULL OR cadence_days > 0),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    archived_at     TEXT
) STRICT;

CREATE INDEX customers_name ON customers(name);
CREATE INDEX customers_pinyin ON customers(name_pinyin, name);
CREATE INDEX customers_phone ON customers(phone) WHERE phone <> '';
CREATE INDEX customers_email ON customers(email) WHERE email <> '';
CREATE INDEX customers_referred_by ON customers(referred_by) WHERE referred_by IS NOT NULL;

CREATE TABLE purchases (
    id               INTEGER PRIMARY KEY,
    customer_id      INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    date             TEXT NOT NULL,              -- YYYY-MM-DD
    item             TEXT NOT NULL DEFAULT '',
    quantity         REAL NOT NULL DEFAULT 1 CHECK (quantity >= 0),
    amount           INTEGER NOT NULL,           -- minor units
    cost             INTEGER,                    -- minor units, NULL = unknown
    paid             INTEGER,                    -- minor units collected, NULL = unknown
    channel          TEXT NOT NULL DEFAULT '',
    special_requests TEXT NOT NULL DEFAULT '',
    mood             TEXT NOT NULL DEFAULT '',
    next_date        TEXT NOT NULL DEFAULT '',   -- expected next purchase, YYYY-MM-DD
    note             TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL
) STRICT;

CREATE INDEX purchases_customer_date ON purchases(customer_id, date);
CREATE INDEX purchases_date ON purchases(date);

CREATE TABLE contacts (
    id               INTEGER PRIMARY KEY,
    customer_id      INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    at               TEXT NOT NULL,              -- RFC 3339
    kind             TEXT NOT NULL CHECK (kind IN ('visit','call','message','email','meeting','gift','greeting','feedback','complaint')),
    summary          TEXT NOT NULL DEFAULT '',
    complaint_status TEXT NOT NULL DEFAULT '' CHECK (complaint_status IN ('','open','resolved')),
    resolved_at      TEXT,
    created_at       TEXT NOT NULL
) STRICT;

CREATE INDEX contacts_customer_at ON contacts(customer_id, at, complaint_status, resolved_at);
CREATE INDEX contacts_open_complaints ON contacts(customer_id) WHERE complaint_status = 'open';

CREATE TABLE followups (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    due         TEXT NOT NULL,                  -- YYYY-MM-DD
    what        TEXT NOT NULL,
    source      TEXT NOT NULL DEFAULT 'manual',
    done_at     TEXT,
    created_at  TEXT NOT NULL
) STRICT;

CREATE INDEX followups_open ON followups(due) WHERE done_at IS NULL;
CREATE INDEX followups_customer ON followups(customer_id);

CREATE TABLE surveys (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    date         TEXT NOT NULL,
    satisfaction INTEGER NOT NULL CHECK (satisfaction BETWEEN 1 AND 5),
    initiative   INTEGER NOT NULL CHECK (initiative BETWEEN 1 AND 5),
    repurchase   INTEGER NOT NULL CHECK (repurchase BETWEEN 1 AND 5),
    recommend    INTEGER NOT NULL CHECK (recommend BETWEEN 1 AND 5),
    resistance   INTEGER NOT NULL CHECK (resistance BETWEEN 1 AND 5),
    note         TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL
) STRICT;

CREATE INDEX surveys_customer ON surveys(customer_id, date);

CREATE TABLE tier_history (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    method      TEXT NOT NULL,
    tier        TEXT NOT NULL,
    score       REAL NOT NULL DEFAULT 0,
    date        TEXT NOT NULL
) STRICT;

CREATE INDEX tier_history_customer ON tier_history(customer_id, method, date);
CREATE INDEX tier_history_date ON tier_history(method, date);

-- Per-customer purchase totals kept by triggers, so tiering as of today
-- reads one row per customer instead of every purchase.
CREATE TABLE purchase_totals (
    customer_id INTEGER PRIMARY KEY,
    revenue     INTEGER NOT NULL,
    profit      INTEGER NOT NULL,
    paid        INTEGER NOT NULL,
    n           INTEGER NOT NULL,
    days        INTEGER NOT NULL,
    first       TEXT NOT NULL,
    last        TEXT NOT NULL
) STRICT;

CREATE INDEX purchase_totals_revenue ON purchase_totals(revenue);
CREATE INDEX customers_archived ON customers(id) WHERE archived_at IS NOT NULL;

-- Bulk writes set the internal setting 'bulk' inside their transaction and
-- rebuild the totals of the customers they touched in one statement.
CREATE TRIGGER purchase_totals_ai AFTER INSERT ON purchases
WHEN NOT EXISTS (SELECT 1 FROM settings WHERE key = 'bulk') BEGIN
    INSERT INTO purchase_totals(customer_id, revenue, profit, paid, n, days, first, last)
    VALUES (new.customer_id, new.amount, CASE WHEN new.cost IS NULL THEN 0 ELSE new.amount - new.cost END,
            coalesce(new.paid, new.amount), 1, 1, new.date, new.date)
    ON CONFLICT(customer_id) DO UPDATE SET
        revenue = revenue + excluded.revenue,
        profit = profit + excluded.profit,
        paid = paid + excluded.paid,
        n = n + 1,
        days = days + NOT EXISTS (SELECT 1 FROM purchases
                                  WHERE customer_id = new.customer_id AND date = new.date AND id <> new.id),
        first = min(first, excluded.first),
        last = max(last, excluded.last);
END;

CREATE TRIGGER purchase_totals_ad AFTER DELETE ON purchases
WHEN NOT EXISTS (SELECT 1 FROM settings WHERE key = 'bulk') BEGIN
    DELETE FROM purchase_totals WHERE customer_id = old.customer_id;
    INSERT INTO purchase_totals(customer_id, revenue, profit, paid, n, days, first, last)
    SELECT customer_id, sum(amount), sum(CASE WHEN cost IS NULL THEN 0 ELSE amount - cost END),
           sum(coalesce(paid, amount)), count(*), count(DISTINCT date), min(date), max(date)
    FROM purchases WHERE customer_id = old.customer_id GROUP BY customer_id;
END;

CREATE TRIGGER purchase_totals_au AFTER UPDATE ON purchases BEGIN
    DELETE FROM purchase_totals WHERE customer_id IN (old.customer_id, new.customer_id);
    INSERT INTO purchase_totals(customer_id, revenue, profit, paid, n, days, first, last)
    SELECT customer_id, sum(amount), sum(CASE WHEN cost IS NULL THEN 0 ELSE amount - cost END),
           sum(coalesce(paid, amount)), count(*), count(DISTINCT date), min(date), max(date)
    FROM purchases WHERE customer_id IN (old.customer_id, new.customer_id) GROUP BY customer_id;
END;

CREATE VIEW purchase_totals_check AS
    SELECT customer_id, sum(amount) AS revenue, sum(CASE WHEN cost IS NULL THEN 0 ELSE amount - cost END) AS profit,
           sum(coalesce(paid, amount)) AS paid, count(*) AS n, count(DISTINCT date) AS days,
           min(date) AS first, max(date) AS last
    FROM purchases GROUP BY customer_id;

CREATE TRIGGER customers_ad AFTER DELETE ON customers BEGIN
    DELETE FROM purchase_totals WHERE customer_id = old.id;
END;

-- Full-text search. One row per searchable thing; rowid = id*4 + source
-- (0 customer, 1 purchase, 2 contact) so a row is found again without a
-- scan. The store writes it (not triggers): FTS5 flushes its buffer at
-- every statement savepoint, so per-row triggers made bulk imports crawl.
CREATE VIRTUAL TABLE search USING fts5(body, customer_id UNINDEXED, tokenize = 'trigram');
