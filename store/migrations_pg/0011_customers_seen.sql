-- On a team's notebook every read of a rep or a manager asks, through the
-- policies (store/team_pg.go), which customers the role sees: the server
-- works out that set once a statement (a hashed subplan over customers)
-- and then keeps the rows of those customers. Read from the table, whose
-- rows are wide (51 MB at 100,000 customers), the set took 90–140 ms of
-- every statement; read from this index, which holds all that the policy
-- asks of a customer, 35–50 ms. It also serves the look-ups by owner that
-- customers_owner served.
CREATE INDEX IF NOT EXISTS customers_seen ON customers (owner, shared, id);
DROP INDEX IF EXISTS customers_owner;
