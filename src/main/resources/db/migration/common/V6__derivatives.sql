-- Cached renditions of originals (issue "image delivery"; domain.DerivativeService). Portable:
-- TEXT/BIGINT/INTEGER only, instants as epoch milliseconds, as in V2.
--
-- derivative_key = sha256(source_key || '|' || operations): the normalised request, hashed so that
-- the primary key stays short whatever the operations (a watermark text makes them long, and
-- PostgreSQL's B-tree entries are limited to about 2.7 KB). blob_key is the sha256 of the rendered
-- bytes: an ordinary content-addressed blob, its strong ETag.
--
-- No foreign keys: source_key may have no stored_blob row any more (swept) and blob_key never has
-- one (stored_blob counts picture references only). fsck treats a blob named here as in use and
-- drops rows whose source no live picture shows.
CREATE TABLE derivative (
    derivative_key TEXT    NOT NULL PRIMARY KEY,
    source_key     TEXT    NOT NULL,
    operations     TEXT    NOT NULL,  -- ImageOperation.cacheKey, for operators and debugging
    blob_key       TEXT    NOT NULL,
    size_bytes     BIGINT  NOT NULL,
    media_type     TEXT    NOT NULL,
    width          INTEGER NOT NULL,
    height         INTEGER NOT NULL,
    created        BIGINT  NOT NULL
);
-- invalidation (all derivatives of a replaced or deleted original) and the per-source bound
CREATE INDEX derivative_by_source ON derivative (source_key, created);
-- fsck and the sweep: is a blob still some derivative's bytes
CREATE INDEX derivative_by_blob ON derivative (blob_key);
