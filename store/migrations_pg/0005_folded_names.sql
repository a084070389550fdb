-- Latin letters with accents (José Núñez, Łukasz, Ørjan) count in the
-- names' pinyin and initials, which find, initials and the order by name
-- read: they were left out ("josnez"). The columns are worked out in Go
-- (PinyinKeys): right after this script, store/migrate_pg.go works them
-- out again for every customer whose name now gives other keys and
-- indexes those customers' profiles again. Saying so on the column is the
-- script's own change; like every migration it needs the owner of the
-- tables (a rep is told to ask them), who also sees every rep's customers.
COMMENT ON COLUMN customers.name_pinyin IS 'PinyinKeys(name): pinyin of Han characters, Latin letters with accents folded (schema 5)';
