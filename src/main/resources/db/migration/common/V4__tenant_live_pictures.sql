-- taobao.picture.get answers totalResults on every call; for an unfiltered list that was a
-- COUNT(*) over all of a tenant's pictures (~23 ms at 1,000,000, growing with the table). The
-- number of live picture rows is now kept in the tenant row, changed in the same transactions
-- that insert and recycle pictures (like used_bytes), and recomputed by fsck.
ALTER TABLE tenant ADD COLUMN live_pictures BIGINT NOT NULL DEFAULT 0;
UPDATE tenant SET live_pictures = (SELECT COUNT(*) FROM picture WHERE picture.tenant_id = tenant.id AND picture.deleted = 0);
