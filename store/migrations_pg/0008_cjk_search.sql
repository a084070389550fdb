-- find of one or two Chinese characters: pg_trgm indexes three characters
-- at a time, so `find 王` had no trigram to look up and read every
-- profile (about 0.1 s at 100,000 customers). Each profile's Chinese
-- characters, each as a word of its own (" 王 小 明 普 洱 "), give every
-- character trigrams of its own ("  王", " 王 ") that the index below
-- looks up: `cjk LIKE '% 王 %'` finds the profiles holding 王, and the
-- body is checked for the query itself (store/search_pg.go). Profiles
-- only (doc % 4 = 0): the history rows hold many more characters, and
-- keeping them indexed made an import of a million purchases 9 s slower.
-- The ranges are those of cjkRune in store/search_pg.go. Adding the
-- column rewrites the search table once.
CREATE OR REPLACE FUNCTION rolo_cjk(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ' ' || regexp_replace(
        regexp_replace(t, '[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]+', '', 'g'),
        '(.)', '\1 ', 'g')
$$;
ALTER TABLE search ADD COLUMN IF NOT EXISTS cjk text GENERATED ALWAYS AS (CASE WHEN doc % 4 = 0 THEN rolo_cjk(body) END) STORED;
CREATE INDEX IF NOT EXISTS search_cjk ON search USING gin (cjk gin_trgm_ops) WHERE doc % 4 = 0;
