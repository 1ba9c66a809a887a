-- VOD SearchMedia (portable: SQLite and PostgreSQL).
--
-- Keyset pages in ModificationTime order continue after (modified, picture_id): the index that
-- TOP's modified filter already used gains picture_id as its last column, so that order is one
-- index read either way and its ties are broken without a sort. It still covers TOP's
-- "modified > x" counts.
DROP INDEX picture_by_modified;
CREATE INDEX picture_by_modified ON picture (tenant_id, deleted, modified, picture_id);

-- Match "Status in ('Uploading', …)": pictures of one status in creation order, and their count
-- from the index alone.
CREATE INDEX picture_by_status ON picture (tenant_id, deleted, status, created, picture_id);
