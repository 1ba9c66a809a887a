package dev.picspace.store;

/** PictureSpace's own calls on the real stores, with the metadata in PostgreSQL. */
class PictureSpaceOnPostgresTest extends PictureSpaceOnStoresTest {
    @Override
    protected String jdbcUrl() { return PostgresTestServer.migratedDatabaseUrl(); }
}
