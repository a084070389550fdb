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

-- Every customer's totals are rebuilt from their purchases right after
-- this script (store/migrate.go).
