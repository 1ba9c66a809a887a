/**
 * Where picspace keeps things: metadata in SQL ({@link dev.picspace.store.Database},
 * {@link dev.picspace.store.SqlMetadataStore}) and bytes in a directory
 * ({@link dev.picspace.store.FileSystemBlobStore}).
 *
 * <p>Schema (Flyway, {@code db/migration/common} plus one folder per database for the little
 * that differs): {@code tenant} (quota, settings; id from the database), {@code top_credential},
 * {@code category}, {@code picture} (every Picture field; {@code deleted} 0/1 beside
 * {@code deleted_at} so both the live list and the recycle bin lead with an equality) and
 * {@code stored_blob} (one row per content hash with its reference count).
 *
 * <p>Concurrency on SQLite: one writer connection per process whose transactions begin
 * IMMEDIATE (the file's write lock, waited for up to the busy timeout, so several processes
 * queue instead of failing), readers beside it thanks to WAL, and synchronous=FULL so a commit
 * is on disk when it returns.
 */
package dev.picspace.store;
