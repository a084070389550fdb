-- Internal state (the fitted lifetime-value model, the tiers last
-- recorded, change counters) leaves the user settings for a table of its own.
CREATE TABLE state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

INSERT INTO state(key, value)
    SELECT key, value FROM settings WHERE key = 'clv.model' OR key LIKE 'tiers.recorded.%';
DELETE FROM settings WHERE key = 'clv.model' OR key LIKE 'tiers.recorded.%' OR key = 'bulk';

-- The kept purchase totals are written by the store, from one definition
-- (store/totals.go) shared by single writes, bulk writes and `check`;
-- the triggers and the check view that repeated it go.
DROP TRIGGER purchase_totals_ai;
DROP TRIGGER purchase_totals_ad;
DROP TRIGGER purchase_totals_au;
DROP TRIGGER customers_ad;
DROP VIEW purchase_totals_check;

-- Revenue of purchases whose cost is not recorded: profit counts only
-- purchases with a known cost, and says how much revenue it leaves out.
ALTER TABLE purchase_totals ADD COLUMN uncosted INTEGER NOT NULL DEFAULT 0;

-- Payments after the sale (回款). Each belongs to one purchase: a payment
-- for a customer is spread over their oldest unpaid purchases by the store.
-- What a purchase still owes is amount − paid at the sale − its payments.
CREATE TABLE payments (
    id          INTEGER PRIMARY KEY,
    purchase_id INTEGER NOT NULL REFERENCES purchases(id) ON DELETE CASCADE,
    date        TEXT NOT NULL,              -- YYYY-MM-DD
    amount      INTEGER NOT NULL CHECK (amount > 0),
    note        TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
) STRICT;

CREATE INDEX payments_purchase ON payments(purchase_id, date);

-- Purchases not paid in full at the sale: the only ones that can owe.
CREATE INDEX purchases_unpaid ON purchases(customer_id, date) WHERE paid IS NOT NULL;

-- Every customer's totals are rebuilt from their purchases and payments
-- right after this script (store/migrate.go).
