-- The VOD dialect's credentials and replay protection (portable: SQLite and PostgreSQL).

-- Alibaba Cloud style AccessKey pairs, one per tenant today (rotation would add rows; the newest is
-- used). Kept apart from top_credential: different fields, different uniqueness rules.
CREATE TABLE vod_credential (
    access_key_id     TEXT   NOT NULL PRIMARY KEY,
    access_key_secret TEXT   NOT NULL,
    tenant_id         BIGINT NOT NULL REFERENCES tenant (id),
    created           BIGINT NOT NULL
);
CREATE INDEX vod_credential_tenant ON vod_credential (tenant_id, created);

-- Nonces seen within the signature time window (SignatureNonce, x-acs-signature-nonce), so that
-- a replayed request is refused on every node sharing this database. Rows past expires_at are
-- purged; the primary key makes "first use" one atomic INSERT … ON CONFLICT DO NOTHING.
CREATE TABLE request_nonce (
    scope      TEXT   NOT NULL,  -- e.g. the AccessKeyId the nonce was signed with
    nonce      TEXT   NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (scope, nonce)
);
CREATE INDEX request_nonce_expiry ON request_nonce (expires_at);

-- Service-wide secrets every node must share (e.g. the key that signs the temporary credentials
-- picspace issues). Created once by whichever node asks first; never rotated by the code.
CREATE TABLE service_secret (
    name    TEXT   NOT NULL PRIMARY KEY,
    value   TEXT   NOT NULL,
    created BIGINT NOT NULL
);
