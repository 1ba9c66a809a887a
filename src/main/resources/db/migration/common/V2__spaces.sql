-- Portable schema (SQLite 3.35+ and PostgreSQL 15+): INTEGER/BIGINT/TEXT only, booleans as
-- INTEGER 0/1, instants as BIGINT epoch milliseconds (UTC), dates as TEXT yyyy-MM-dd.

CREATE UNIQUE INDEX tenant_nick ON tenant (nick);

-- Taobao Open Platform credentials. VOD access keys will get their own table (vod_credential)
-- rather than sharing this one: the two kinds have different fields and uniqueness rules.
CREATE TABLE top_credential (
    app_key    TEXT   NOT NULL PRIMARY KEY,
    app_secret TEXT   NOT NULL,
    session    TEXT   NOT NULL,
    tenant_id  BIGINT NOT NULL REFERENCES tenant (id),
    created    BIGINT NOT NULL
);
CREATE UNIQUE INDEX top_credential_session ON top_credential (session);
CREATE INDEX top_credential_tenant ON top_credential (tenant_id, created);

-- Category 0 (the default category) has no row, so parent_id and picture.category_id carry no
-- foreign key; the store keeps them consistent (deleteCategory moves pictures to 0).
CREATE TABLE category (
    id        BIGINT  NOT NULL PRIMARY KEY,  -- from IdGenerator, not from the database
    tenant_id BIGINT  NOT NULL REFERENCES tenant (id),
    parent_id BIGINT  NOT NULL,              -- 0: level 1
    name      TEXT    NOT NULL,
    type      TEXT    NOT NULL,              -- CategoryType wire name: auction, fixed, user-define
    position  INTEGER NOT NULL,
    created   BIGINT  NOT NULL,
    modified  BIGINT  NOT NULL
);
CREATE UNIQUE INDEX category_sibling_name ON category (tenant_id, parent_id, name);
CREATE INDEX category_by_position ON category (tenant_id, position, id);

-- One row per distinct content (sha256), shared by all tenants. ref_count = number of picture
-- rows, live or recycled, whose blob_key is this key. zero_since: when it last reached 0, so a
-- sweep can wait out a grace period before deleting the bytes.
CREATE TABLE stored_blob (
    blob_key   TEXT   NOT NULL PRIMARY KEY,
    size_bytes BIGINT NOT NULL,
    ref_count  BIGINT NOT NULL,
    zero_since BIGINT
);
CREATE INDEX stored_blob_unreferenced ON stored_blob (zero_since) WHERE ref_count = 0;

CREATE TABLE picture (
    picture_id         BIGINT  NOT NULL PRIMARY KEY,  -- from IdGenerator
    image_id           TEXT    NOT NULL,
    tenant_id          BIGINT  NOT NULL REFERENCES tenant (id),
    category_id        BIGINT  NOT NULL,
    url_token          TEXT    NOT NULL,
    title              TEXT    NOT NULL,
    description        TEXT,
    tags               TEXT,
    image_type         TEXT,
    status             TEXT    NOT NULL,              -- uploading, normal, upload_fail
    format             TEXT,                          -- ImageFormat extension; null while uploading
    width              INTEGER NOT NULL,
    height             INTEGER NOT NULL,
    frames             INTEGER NOT NULL,
    size_bytes         BIGINT  NOT NULL,
    md5                TEXT,
    blob_key           TEXT    REFERENCES stored_blob (blob_key),
    original_file_name TEXT,
    client_type        TEXT,
    referenced         INTEGER NOT NULL CHECK (referenced IN (0, 1)),
    -- deleted duplicates "deleted_at IS NOT NULL" on purpose: an equality column can lead the
    -- indexes below for both the live list and the recycle bin, a nullable range cannot.
    deleted            INTEGER NOT NULL DEFAULT 0,
    deleted_at         BIGINT,
    created            BIGINT  NOT NULL,
    modified           BIGINT  NOT NULL,
    CHECK ((deleted = 0 AND deleted_at IS NULL) OR (deleted = 1 AND deleted_at IS NOT NULL))
);
CREATE UNIQUE INDEX picture_image_id ON picture (image_id);
CREATE UNIQUE INDEX picture_url_token ON picture (url_token);
-- Every PictureQuery is for one tenant and one of live / recycled, so each index starts with
-- (tenant_id, deleted); the ordering columns end with picture_id, the tie-breaker of every order.
CREATE INDEX picture_by_created ON picture (tenant_id, deleted, created, picture_id);
CREATE INDEX picture_by_size ON picture (tenant_id, deleted, size_bytes, picture_id);
CREATE INDEX picture_by_category_created ON picture (tenant_id, deleted, category_id, created, picture_id);
CREATE INDEX picture_by_category_size ON picture (tenant_id, deleted, category_id, size_bytes, picture_id);
CREATE INDEX picture_by_client_type ON picture (tenant_id, deleted, client_type, created, picture_id);
CREATE INDEX picture_by_modified ON picture (tenant_id, deleted, modified);
CREATE INDEX picture_by_title ON picture (tenant_id, deleted, title);  -- titleTaken on every upload
CREATE INDEX picture_by_blob ON picture (blob_key);                    -- fsck, and the foreign key check when a blob row goes
CREATE INDEX picture_recycled ON picture (deleted_at) WHERE deleted = 1; -- purgeRecycled
