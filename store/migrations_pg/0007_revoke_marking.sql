-- rolo_agenda_stale runs as the owner of the tables (SECURITY DEFINER) to
-- mark the kept agenda's chunks for whoever writes. Functions are
-- executable by everyone unless revoked, and a role allowed to create a
-- table could attach it to a table of its own; a trigger fires its
-- function without this privilege, so the notebook's own triggers are
-- not touched by taking it away. rolo_agenda_stale_all stays: a rep's
-- bulk write calls it, and all it does is mark every chunk.
REVOKE EXECUTE ON FUNCTION rolo_agenda_stale() FROM PUBLIC;
