-- Days as PostgreSQL's date type (were ISO text checked by rolo_is_day):
-- the day of a purchase, a payment, a follow-up, a survey, a status, a
-- recorded tier, and the kept first and last purchase days. The server
-- checks them, stores them in 4 bytes instead of 11, and a report can use
-- date arithmetic. The store still sends and reads them as 'YYYY-MM-DD'
-- text (store/pgdriver.go: the date codec and pgRows).
-- What may have no year or no day (birthdays, yearly events, "no next
-- purchase expected", an action dismissed for good) stays text, and
-- moments (created_at, a contact's time) stay RFC 3339 text.
ALTER TABLE purchases DROP CONSTRAINT IF EXISTS purchases_date_check;
ALTER TABLE purchases ALTER COLUMN date TYPE date USING CAST(date AS date);
ALTER TABLE payments DROP CONSTRAINT IF EXISTS payments_date_check;
ALTER TABLE payments ALTER COLUMN date TYPE date USING CAST(date AS date);
ALTER TABLE followups DROP CONSTRAINT IF EXISTS followups_due_check;
ALTER TABLE followups ALTER COLUMN due TYPE date USING CAST(due AS date);
ALTER TABLE surveys DROP CONSTRAINT IF EXISTS surveys_date_check;
ALTER TABLE surveys ALTER COLUMN date TYPE date USING CAST(date AS date);
ALTER TABLE status_history DROP CONSTRAINT IF EXISTS status_history_date_check;
ALTER TABLE status_history ALTER COLUMN date TYPE date USING CAST(date AS date);
ALTER TABLE tier_history ALTER COLUMN date TYPE date USING CAST(date AS date);
ALTER TABLE purchase_totals ALTER COLUMN first TYPE date USING CAST(first AS date);
ALTER TABLE purchase_totals ALTER COLUMN last TYPE date USING CAST(last AS date);
