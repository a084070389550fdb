-- Schema 8: the index of purchases with a recorded payment also holds what
-- the agenda says about a debt (amount, paid, item), so reading every debt
-- walks this small index in customer order instead of looking up tens of
-- thousands of purchases scattered through the table.
DROP INDEX purchases_unpaid;
CREATE INDEX purchases_unpaid ON purchases(customer_id, date, amount, paid, item) WHERE paid IS NOT NULL;
