package dev.picspace.bench;

import java.util.Locale;

/**
 * The stores picspace runs on in a bench JVM, chosen by {@code -Dbench.stores} (bench/run.sh sets
 * it from {@code BENCH_STORES}): the embedded default (SQLite in DATA/meta.db, bytes under
 * DATA/blobs) or PostgreSQL + an S3 bucket ({@link PgS3}: one embedded PostgreSQL and one
 * in-process S3Proxy, both on this machine).
 */
enum BenchStores {
    EMBEDDED("embedded", "SQLite + files"),
    PG_S3("pg-s3", "PostgreSQL + S3");

    final String id;
    final String label;

    BenchStores(String id, String label) {
        this.id = id;
        this.label = label;
    }

    @FunctionalInterface
    interface Main {
        void run() throws Exception;
    }

    /**
     * Runs a bench's main and ends the JVM: S3Proxy's threads are not daemons, so with pg-s3 the
     * JVM would otherwise outlive main (and a failure in main would leave it hanging too).
     */
    static void exitAfter(Main main) {
        int status = 0;
        try {
            main.run();
        } catch (Throwable t) {
            t.printStackTrace();
            status = 1;
        }
        System.out.flush();
        System.exit(status);
    }

    static BenchStores selected() {
        String s = System.getProperty("bench.stores", "embedded").trim().toLowerCase(Locale.ROOT);
        for (BenchStores b : values()) if (b.id.equals(s)) return b;
        throw new IllegalArgumentException("bench.stores must be embedded or pg-s3, not '" + s + "'");
    }
}
