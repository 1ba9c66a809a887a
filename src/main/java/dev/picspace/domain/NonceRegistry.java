package dev.picspace.domain;

import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers request nonces for as long as a signed request could be replayed (VOD: the 15-minute
 * timestamp window each way), so that a second use of a nonce is refused.
 *
 * <p>Two implementations: {@link #inMemory} for a single node (the embedded default: one server
 * process answers the requests), and {@link #shared} over the metadata store's {@code request_nonce}
 * table, which holds across any number of nodes on one PostgreSQL database.
 */
public interface NonceRegistry {

    /**
     * Records the nonce; {@code true} if it was not seen before within its scope (the request may
     * proceed), {@code false} when it is a replay. {@code expiresAt}: when it may be forgotten.
     */
    boolean firstUse(String scope, String nonce, Instant expiresAt);

    /** Nonces in this process's memory; purges expired ones every so often. */
    static NonceRegistry inMemory(Clock clock) {
        return new NonceRegistry() {
            private final Map<String, Instant> seen = new ConcurrentHashMap<>();
            private final java.util.concurrent.atomic.AtomicLong nextPurge = new java.util.concurrent.atomic.AtomicLong();

            @Override
            public boolean firstUse(String scope, String nonce, Instant expiresAt) {
                long now = clock.millis();
                if (purgeDue(nextPurge, now)) {
                    Instant t = Instant.ofEpochMilli(now);
                    for (Iterator<Instant> it = seen.values().iterator(); it.hasNext(); ) if (it.next().isBefore(t)) it.remove();
                }
                String key = scope + '\n' + nonce;
                Instant previous = seen.putIfAbsent(key, expiresAt);
                if (previous == null) return true;
                // expired but not purged yet: forgotten, so this is a first use again
                return previous.toEpochMilli() < now && seen.replace(key, previous, expiresAt);
            }
        };
    }

    /** Nonces in the shared database: correct across nodes (one INSERT per signed request). */
    static NonceRegistry shared(MetadataStore metadata, Clock clock) {
        return new NonceRegistry() {
            private final java.util.concurrent.atomic.AtomicLong nextPurge = new java.util.concurrent.atomic.AtomicLong();

            @Override
            public boolean firstUse(String scope, String nonce, Instant expiresAt) {
                long now = clock.millis();
                if (purgeDue(nextPurge, now)) metadata.purgeNonces(Instant.ofEpochMilli(now));
                return metadata.recordNonce(scope, nonce, expiresAt);
            }
        };
    }

    /** Whether it is time to forget expired nonces (once a minute; exactly one caller wins the minute). */
    private static boolean purgeDue(java.util.concurrent.atomic.AtomicLong nextPurge, long now) {
        long next = nextPurge.get();
        return now >= next && nextPurge.compareAndSet(next, now + 60_000);
    }
}
