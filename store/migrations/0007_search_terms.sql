-- Searches of one or two characters (王, 钓鱼) are too short for a trigram
-- MATCH: they read the index's own term list instead. Every indexed text
-- that contains the query holds a trigram that starts with it, provided
-- each body ends with two characters of padding (the store writes the
-- bodies: store/index.go), so a range of terms gives the rows — a few
-- index pages instead of a scan of every name, note and item.
--
-- The bodies gain that padding and the profile rows the values of the
-- custom fields: the index is built again from the tables right after this
-- script (store/migrate.go). Dropping it is how an FTS5 table is emptied
-- at once (a DELETE takes out each row's terms one by one).
DROP TABLE search;
CREATE VIRTUAL TABLE search USING fts5(body, customer_id UNINDEXED, tokenize = 'trigram');
CREATE VIRTUAL TABLE search_terms USING fts5vocab(search, instance);
