-- Multipart uploads of the OSS-compatible object endpoint (InitiateMultipartUpload, UploadPart,
-- CompleteMultipartUpload, AbortMultipartUpload, ListParts). Portable: SQLite and PostgreSQL.
--
-- Several stateless nodes share this database and one blob store, so an upload's parts live in
-- neither a node's memory nor its disk: each part is a content-addressed blob in the blob store
-- (staged and committed like a picture's bytes) and a row here. Parts are NOT counted in
-- stored_blob.ref_count: no picture refers to them. fsck treats the blob keys of parts of open
-- uploads as in use; once an upload is completed or aborted (or purged as abandoned) its rows go
-- and its part blobs become ordinary unreferenced blobs, swept after fsck's grace period.

CREATE TABLE multipart_upload (
    upload_id  TEXT   NOT NULL PRIMARY KEY,  -- 32 random hex characters (the OSS UploadId)
    tenant_id  BIGINT NOT NULL REFERENCES tenant (id),
    -- no foreign key to picture: purging a recycled picture must not depend on its uploads; a
    -- Complete for a picture that is gone fails (NoSuchKey) and the upload is purged in time
    picture_id BIGINT NOT NULL,
    object_key TEXT   NOT NULL,              -- the key it was initiated for; every later call must name it
    initiated  BIGINT NOT NULL               -- epoch milliseconds, UTC
);
CREATE INDEX multipart_upload_by_tenant ON multipart_upload (tenant_id);
CREATE INDEX multipart_upload_by_initiated ON multipart_upload (initiated);  -- purging abandoned uploads

CREATE TABLE multipart_part (
    upload_id   TEXT    NOT NULL REFERENCES multipart_upload (upload_id),
    part_number INTEGER NOT NULL,            -- 1..10000; uploading a number again replaces the part
    blob_key    TEXT    NOT NULL,            -- sha256 hex of the part's bytes, its name in the blob store
    size_bytes  BIGINT  NOT NULL,
    md5         TEXT    NOT NULL,            -- hex; the part's ETag is this in upper case
    modified    BIGINT  NOT NULL,
    PRIMARY KEY (upload_id, part_number)
);
CREATE INDEX multipart_part_by_blob ON multipart_part (blob_key);  -- fsck: is this blob a part in use?
