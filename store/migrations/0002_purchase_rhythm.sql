-- The purchase rhythm joins the kept per-customer totals, so `rolo due`
-- reads one row per customer instead of every purchase day:
--   gap        the median number of days between distinct purchase days,
--              0 until there are three purchase days
--   next_date  the expected next purchase recorded on the latest purchase
--              (by date, then id), '' when none was recorded
-- Bulk writes (triggers off) recompute both for the customers they touched.

ALTER TABLE purchase_totals ADD COLUMN gap INTEGER NOT NULL DEFAULT 0;
ALTER TABLE purchase_totals ADD COLUMN next_date TEXT NOT NULL DEFAULT '';

DROP TRIGGER purchase_totals_ai;
DROP TRIGGER purchase_totals_ad;
DROP TRIGGER purchase_totals_au;
DROP VIEW purchase_totals_check;

-- The median of the gaps between one customer's distinct purchase days:
-- lag() gives each day's gap to the previous one; the middle one or two of
-- the sorted gaps give the median, halves rounded up. Triggers cannot use
-- WITH, hence the nesting. The same expression appears in each trigger.
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
    UPDATE purchase_totals SET
        next_date = (SELECT next_date FROM purchases WHERE customer_id = new.customer_id ORDER BY date DESC, id DESC LIMIT 1),
        gap = coalesce((SELECT (sum(g) + count(*) - 1) / count(*) FROM (
                  SELECT g, row_number() OVER (ORDER BY g) AS rn, count(*) OVER () AS cnt FROM (
                      SELECT CAST(julianday(date) - julianday(lag(date) OVER (ORDER BY date)) AS INTEGER) AS g
                      FROM (SELECT DISTINCT date FROM purchases WHERE customer_id = new.customer_id))
                  WHERE g IS NOT NULL)
              WHERE cnt >= 2 AND rn IN ((cnt + 1) / 2, (cnt + 2) / 2)), 0)
    WHERE customer_id = new.customer_id;
END;

CREATE TRIGGER purchase_totals_ad AFTER DELETE ON purchases
WHEN NOT EXISTS (SELECT 1 FROM settings WHERE key = 'bulk') BEGIN
    DELETE FROM purchase_totals WHERE customer_id = old.customer_id;
    INSERT INTO purchase_totals(customer_id, revenue, profit, paid, n, days, first, last)
    SELECT customer_id, sum(amount), sum(CASE WHEN cost IS NULL THEN 0 ELSE amount - cost END),
           sum(coalesce(paid, amount)), count(*), count(DISTINCT date), min(date), max(date)
    FROM purchases WHERE customer_id = old.customer_id GROUP BY customer_id;
    UPDATE purchase_totals SET
        next_date = (SELECT next_date FROM purchases WHERE customer_id = old.customer_id ORDER BY date DESC, id DESC LIMIT 1),
        gap = coalesce((SELECT (sum(g) + count(*) - 1) / count(*) FROM (
                  SELECT g, row_number() OVER (ORDER BY g) AS rn, count(*) OVER () AS cnt FROM (
                      SELECT CAST(julianday(date) - julianday(lag(date) OVER (ORDER BY date)) AS INTEGER) AS g
                      FROM (SELECT DISTINCT date FROM purchases WHERE customer_id = old.customer_id))
                  WHERE g IS NOT NULL)
              WHERE cnt >= 2 AND rn IN ((cnt + 1) / 2, (cnt + 2) / 2)), 0)
    WHERE customer_id = old.customer_id;
END;

CREATE TRIGGER purchase_totals_au AFTER UPDATE ON purchases BEGIN
    DELETE FROM purchase_totals WHERE customer_id IN (old.customer_id, new.customer_id);
    INSERT INTO purchase_totals(customer_id, revenue, profit, paid, n, days, first, last)
    SELECT customer_id, sum(amount), sum(CASE WHEN cost IS NULL THEN 0 ELSE amount - cost END),
           sum(coalesce(paid, amount)), count(*), count(DISTINCT date), min(date), max(date)
    FROM purchases WHERE customer_id IN (old.customer_id, new.customer_id) GROUP BY customer_id;
    UPDATE purchase_totals SET
        next_date = (SELECT next_date FROM purchases p WHERE p.customer_id = purchase_totals.customer_id ORDER BY date DESC, id DESC LIMIT 1),
        gap = coalesce((SELECT (sum(g) + count(*) - 1) / count(*) FROM (
                  SELECT g, row_number() OVER (ORDER BY g) AS rn, count(*) OVER () AS cnt FROM (
                      SELECT CAST(julianday(date) - julianday(lag(date) OVER (ORDER BY date)) AS INTEGER) AS g
                      FROM (SELECT DISTINCT date FROM purchases p WHERE p.customer_id = purchase_totals.customer_id))
                  WHERE g IS NOT NULL)
              WHERE cnt >= 2 AND rn IN ((cnt + 1) / 2, (cnt + 2) / 2)), 0)
    WHERE customer_id IN (old.customer_id, new.customer_id);
END;

-- What the kept totals should hold, for `rolo check`.
CREATE VIEW purchase_totals_check AS
WITH days AS (SELECT DISTINCT customer_id, date FROM purchases),
gaps AS (SELECT customer_id,
                CAST(julianday(date) - julianday(lag(date) OVER (PARTITION BY customer_id ORDER BY date)) AS INTEGER) AS g
         FROM days),
ranked AS (SELECT customer_id, g, row_number() OVER (PARTITION BY customer_id ORDER BY g) AS rn,
                  count(*) OVER (PARTITION BY customer_id) AS cnt
           FROM gaps WHERE g IS NOT NULL),
medians AS (SELECT customer_id, (sum(g) + count(*) - 1) / count(*) AS gap FROM ranked
            WHERE cnt >= 2 AND rn IN ((cnt + 1) / 2, (cnt + 2) / 2) GROUP BY customer_id),
latest AS (SELECT customer_id, next_date FROM (
               SELECT customer_id, next_date, row_number() OVER (PARTITION BY customer_id ORDER BY date DESC, id DESC) AS rn
               FROM purchases) WHERE rn = 1),
totals AS (SELECT customer_id, sum(amount) AS revenue, sum(CASE WHEN cost IS NOT NULL THEN amount - cost ELSE 0 END) AS profit,
                  sum(coalesce(paid, amount)) AS paid, count(*) AS n, count(DISTINCT date) AS days,
                  min(date) AS first, max(date) AS last
           FROM purchases GROUP BY customer_id)
SELECT t.customer_id, t.revenue, t.profit, t.paid, t.n, t.days, t.first, t.last,
       coalesce(m.gap, 0) AS gap, l.next_date
FROM totals t LEFT JOIN medians m ON m.customer_id = t.customer_id JOIN latest l ON l.customer_id = t.customer_id;

-- The rhythm of the purchases already in the notebook is filled in by the
-- store right after this script (store/migrate.go): walking the purchase
-- days in Go takes a fraction of the time the view above would.
