-- PostgreSQL's side of sqlite/V3: taobao.picture.get's title filter is a substring match
-- (title ILIKE '%term%'), which no B-tree index serves; a pg_trgm GIN index answers it from the
-- trigrams of the term (three or more characters; shorter terms still work, by scanning the
-- tenant's rows). Unlike SQLite's external-content FTS table, PostgreSQL keeps the index in step
-- with the table itself, so no triggers are needed.
--
-- pg_trgm ships with PostgreSQL (contrib; in Debian's postgresql-NN, the official images, the
-- embedded binaries the tests use, and the managed services) and is a trusted extension since
-- PostgreSQL 13, so the database's owner may create it. Where it is missing this migration fails
-- and says so, rather than leaving a schema that silently scans every title: install contrib, or
-- have an administrator run CREATE EXTENSION pg_trgm in this database first (IF NOT EXISTS then
-- needs no privilege).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- fastupdate off: by default new entries wait in the GIN index's pending list until a vacuum,
-- which every query must scan in full and which the planner prices so high that, after a burst
-- of uploads, it stops using the index at all (seen in PostgresMetadataStoreTest). Titles are
-- short (at most ~50 trigrams), so updating the index in place costs an upload little.
CREATE INDEX picture_title_trgm ON picture USING gin (title gin_trgm_ops) WITH (fastupdate = off);
