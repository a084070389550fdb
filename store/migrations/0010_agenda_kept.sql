-- Schema 10: the kept agenda. What the agenda reads of each current
-- customer, encoded (store/agendakept.go) in chunks of the 64 customers
-- whose ids share id >> 6, and the triggers that keep it honest: any write
-- to a table the agenda reads deletes the chunks of the customers it
-- touches and moves the generation, so a reader keeps what it read only
-- when nothing was written in between. The latest
-- contact, payment and survey tell whether the rows stand as of a day
-- (they hold everything recorded); a deletion leaves them as they were,
-- which only makes the kept agenda wait for that day.
CREATE TABLE IF NOT EXISTS agenda_kept (
    chunk INTEGER PRIMARY KEY, -- customer id >> 6
    data  BLOB NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS agenda_kept_meta (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    gen          INTEGER NOT NULL,
    contacts_max TEXT NOT NULL,
    payments_max TEXT NOT NULL,
    surveys_max  TEXT NOT NULL
) STRICT;

INSERT OR IGNORE INTO agenda_kept_meta VALUES (1, 0,
    coalesce((SELECT max(at) FROM contacts), ''),
    coalesce((SELECT max(date) FROM payments), ''),
    coalesce((SELECT max(date) FROM surveys), ''));

CREATE TRIGGER IF NOT EXISTS agenda_kept_customers_insert AFTER INSERT ON customers BEGIN
    DELETE FROM agenda_kept WHERE chunk IN (NEW.id >> 6);
    UPDATE agenda_kept_meta SET gen = gen + 1;
END;

CREATE TRIGGER IF NOT EXISTS agenda_kept_customers_update AFTER UPDATE ON customers BEGIN
    DELETE FROM agenda_kept WHERE chunk IN (OLD.id >> 6, NEW.id >> 6);
    UPDATE agenda_kept_meta SET gen = gen + 1;
END;

CREATE TRIGGER IF NOT EXISTS agenda_kept_customers_delete AFTER DELETE ON customers BEGIN
    DELETE FROM agenda_kept WHERE chunk IN (OLD.id >> 6);
    UPDATE agenda_kept_meta SET gen = gen + 1;
END;

CREATE TRIGGER IF NOT EXISTS agenda_kept_purchases_insert AFTER INSERT ON purchases BEGIN
    DELETE FROM agenda_kept WHERE chunk IN (NEW.customer_id >> 6);
    UPDATE agenda_kept_meta SET gen = gen + 1;
END;

CREATE TRIGGER IF NOT EXISTS agenda_kept_purchases_update AFTER UPDATE ON purchases BEGIN
    DELETE FROM agenda_kept WHERE chunk IN (OLD.customer_id >> 6, NEW.customer_id >> 6);
    UPDATE agenda_kept_meta SET gen = gen + 1;
END;

CREATE TRIGGER IF NOT EXISTS agenda_kept_purchases_delete AFTER DELETE ON purchases BEGIN
    DELETE FROM agenda_kept WHERE chunk IN (OLD.customer_id >> 6);
    UPDATE agenda_kept_meta SET gen = gen + 1;
END;

CREATE TRIGGER IF NOT EXISTS agenda_kept_purchase_totals_insert AFTER INSERT ON purchase_totals BEGIN
    DELETE FROM agenda_kept WHERE chunk IN (NEW.customer_id >> 6);
    UPDATE agenda_kept_meta SET gen = gen + 1;
END;

CREATE TRIGGER IF NOT EXISTS agenda_kept_purchase_totals_update AFTER UPDATE ON purchase_totals BEGIN
    DELETE FROM agenda_kept WHERE chunk IN (OLD.customer_id >> 6, NEW.customer_id >> 6);
    UPDATE agenda_kept_meta SET gen = gen + 1;
END;

CREATE TRIGGER IF NOT EXISTS agenda_kept_purchase_totals_delete AFTER DELETE ON purchase_totals BEGIN
    DELETE FROM agenda_kept WHERE chunk IN (OLD.customer_id >> 6);
    UPDATE agenda_kept_meta SET gen = gen + 1;
END;

CREATE TRIGGER IF NOT EXISTS agenda_kept_contacts_insert AFTER INSERT ON contacts BEGIN
    DELETE FROM agenda_kept WHERE chunk IN (NEW.customer_id >> 6);
    UPDATE agenda_kept_meta SET gen = gen + 1, contacts_max = max(contacts_max, NEW.at);
END;

CREATE TRIGGER IF NOT EXISTS agenda_kept_contacts_update AFTER UPDATE ON contacts BEGIN
    DELETE FROM agenda_kept WHERE chunk IN (OLD.customer_id >> 6, NEW.customer_id >> 6);
    UPDATE agenda_kept_meta SET gen = gen + 1, contacts_max = max(contacts_max, NEW.at);
END;

CREATE TRIGGER IF NOT EXISTS agenda_kept_contacts_delete AFTER DELETE ON contacts BEGIN
    DELETE FROM agenda_kept WHERE chunk IN (OLD.customer_id >> 6);
    UPDATE agenda_kept_meta SET gen = gen + 1;
END;

CREATE TRIGGER IF NOT EXISTS agenda_kept_events_insert AFTER INSERT ON events BEGIN
    DELETE FROM agenda_kept WHERE chunk IN (NEW.customer_id >> 6);
    UPDATE agenda_kept_meta SET gen = gen + 1;
END;

CREATE TRIGGER IF NOT EXISTS agenda_kept_events_update AFTER UPDATE ON events BEGIN
    DELETE FROM agenda_kept WHERE chunk IN (OLD.customer_id >> 6, NEW.customer_id >> 6);
    UPDATE agenda_kept_meta SET gen = gen + 1;
END;

CREATE TRIGGER IF NOT EXISTS agenda_kept_events_delete AFTER DELETE ON events BEGIN
    DELETE FROM agenda_kept WHERE chunk IN (OLD.customer_id >> 6);
    UPDATE agenda_kept_meta SET gen = gen + 1;
END;

CREATE TRIGGER IF NOT EXISTS agenda_kept_surveys_insert AFTER INSERT ON surveys BEGIN
    DELETE FROM agenda_kept WHERE chunk IN (NEW.customer_id >> 6);
    UPDATE agenda_kept_meta SET gen = gen + 1, surveys_max = max(surveys_max, NEW.date);
END;

CREATE TRIGGER IF NOT EXISTS agenda_kept_surveys_update AFTER UPDATE ON surveys BEGIN
    DELETE FROM agenda_kept WHERE chunk IN (OLD.customer_id >> 6, NEW.customer_id >> 6);
    UPDATE agenda_kept_meta SET gen = gen + 1, surveys_max = max(surveys_max, NEW.date);
END;

CREATE TRIGGER IF NOT EXISTS agenda_kept_surveys_delete AFTER DELETE ON surveys BEGIN
    DELETE FROM agenda_kept WHERE chunk IN (OLD.customer_id >> 6);
    UPDATE agenda_kept_meta SET gen = gen + 1;
END;

CREATE TRIGGER IF NOT EXISTS agenda_kept_agenda_actions_insert AFTER INSERT ON agenda_actions BEGIN
    DELETE FROM agenda_kept WHERE chunk IN (NEW.customer_id >> 6);
    UPDATE agenda_kept_meta SET gen = gen + 1;
END;

CREATE TRIGGER IF NOT EXISTS agenda_kept_agenda_actions_update AFTER UPDATE ON agenda_actions BEGIN
    DELETE FROM agenda_kept WHERE chunk IN (OLD.customer_id >> 6, NEW.customer_id >> 6);
    UPDATE agenda_kept_meta SET gen = gen + 1;
END;

CREATE TRIGGER IF NOT EXISTS agenda_kept_agenda_actions_delete AFTER DELETE ON agenda_actions BEGIN
    DELETE FROM agenda_kept WHERE chunk IN (OLD.customer_id >> 6);
    UPDATE agenda_kept_meta SET gen = gen + 1;
END;

CREATE TRIGGER IF NOT EXISTS agenda_kept_payments_insert AFTER INSERT ON payments BEGIN
    DELETE FROM agenda_kept WHERE chunk IN (SELECT customer_id >> 6 FROM purchases WHERE id IN (NEW.purchase_id));
    UPDATE agenda_kept_meta SET gen = gen + 1, payments_max = max(payments_max, NEW.date);
END;

CREATE TRIGGER IF NOT EXISTS agenda_kept_payments_update AFTER UPDATE ON payments BEGIN
    DELETE FROM agenda_kept WHERE chunk IN (SELECT customer_id >> 6 FROM purchases WHERE id IN (OLD.purchase_id, NEW.purchase_id));
    UPDATE agenda_kept_meta SET gen = gen + 1, payments_max = max(payments_max, NEW.date);
END;

CREATE TRIGGER IF NOT EXISTS agenda_kept_payments_delete AFTER DELETE ON payments BEGIN
    DELETE FROM agenda_kept WHERE chunk IN (SELECT customer_id >> 6 FROM purchases WHERE id IN (OLD.purchase_id));
    UPDATE agenda_kept_meta SET gen = gen + 1;
END;
