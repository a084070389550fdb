-- The customer lifecycle: dated personal events, the history of status
-- changes (for rolo churn), and agenda items the rep snoozed or dismissed.

CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    what        TEXT NOT NULL CHECK (what <> ''),
    date        TEXT NOT NULL,              -- YYYY-MM-DD, or --MM-DD for a yearly event without a known year
    lunar       INTEGER NOT NULL DEFAULT 0 CHECK (lunar IN (0, 1)),
    leap        INTEGER NOT NULL DEFAULT 0 CHECK (leap IN (0, 1)),
    once        INTEGER NOT NULL DEFAULT 0 CHECK (once IN (0, 1)),  -- a one-off event (an exam) rather than a yearly one
    created_at  TEXT NOT NULL
) STRICT;

CREATE INDEX events_customer ON events(customer_id);

CREATE TABLE status_history (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    status      TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',   -- why a customer was lost
    date        TEXT NOT NULL,              -- YYYY-MM-DD
    auto        INTEGER NOT NULL DEFAULT 0 CHECK (auto IN (0, 1))  -- set by rolo's rules, not by the rep
) STRICT;

CREATE INDEX status_history_customer ON status_history(customer_id, date);
CREATE INDEX status_history_date ON status_history(date);

CREATE TABLE agenda_actions (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    reason      TEXT NOT NULL,              -- cadence, reorder, slipping, birthday, ...
    ref         INTEGER NOT NULL DEFAULT 0, -- the follow-up, complaint, purchase or event it is about
    due         TEXT NOT NULL,              -- the due day of the item acted on
    until       TEXT NOT NULL DEFAULT '',   -- snoozed until this day; '' for a dismissal
    note        TEXT NOT NULL DEFAULT '',   -- why
    created_at  TEXT NOT NULL
) STRICT;

CREATE INDEX agenda_actions_customer ON agenda_actions(customer_id);

-- The lost reasons of the practice; what earlier rolos wrote maps to them.
-- A reason in the rep's own words is kept in the notes.
UPDATE customers SET notes = trim(notes || char(10) || 'lost reason: ' || lost_reason)
WHERE status = 'lost' AND lost_reason <> '' AND lower(trim(lost_reason)) NOT IN
    ('moved', 'money', 'price', 'dissatisfied', 'service', 'quality', 'competitor', 'closed', 'other');
UPDATE customers SET lost_reason = CASE lower(trim(lost_reason))
    WHEN 'moved' THEN 'moved' WHEN 'money' THEN 'price' WHEN 'price' THEN 'price'
    WHEN 'dissatisfied' THEN 'service' WHEN 'service' THEN 'service' WHEN 'quality' THEN 'quality'
    WHEN 'competitor' THEN 'competitor' WHEN 'closed' THEN 'closed'
    ELSE 'other' END
WHERE status = 'lost';

-- The history starts with each customer's status as it is, dated when the
-- customer was last updated.
INSERT INTO status_history(customer_id, status, reason, date)
    SELECT id, status, lost_reason, substr(updated_at, 1, 10) FROM customers WHERE status <> 'prospect';

-- Customers outside the ranks: archived, or dropped (the rep stopped
-- serving them). Few, so one customer's rank counts them from this index.
CREATE INDEX customers_outside ON customers(id) WHERE archived_at IS NOT NULL OR status = 'dropped';
