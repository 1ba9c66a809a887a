package dev.picspace.store;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Tells every node at once that a picture changed (replaced or recycled), with PostgreSQL's own
 * LISTEN/NOTIFY: a node that made the change publishes the picture's URL token after its
 * transaction committed; every node (itself included) hears it and drops its cached lookup.
 * Without this, another node would keep serving a deleted picture until its short lookup cache
 * expired (2 s).
 *
 * <p>Best effort by design, and safe to lose: a missed notification (a node reconnecting, a
 * notification queue overflow) only means the old lookup lives out its 2 s. One dedicated
 * connection per node listens (not a pool connection: LISTEN belongs to a session); it reconnects
 * with back-off when the database goes away.
 */
public final class PostgresChangeChannel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresChangeChannel.class);
    /** The channel name; payloads are URL tokens (20 hex characters, well inside NOTIFY's 8000 bytes). */
    static final String CHANNEL = "picspace_picture_changed";

    private final String jdbcUrl;
    private final Database database;
    private final Consumer<String> onChange;
    private final Thread listener;
    private volatile boolean closed;
    private volatile Connection connection;

    /**
     * @param database where {@link #publish} sends from (its pool)
     * @param onChange called on the listener thread with each changed picture's URL token
     */
    public PostgresChangeChannel(String jdbcUrl, Database database, Consumer<String> onChange) {
        if (database.dialect() != Database.Dialect.POSTGRESQL) throw new IllegalArgumentException("LISTEN/NOTIFY is PostgreSQL's");
        this.jdbcUrl = Objects.requireNonNull(jdbcUrl);
        this.database = database;
        this.onChange = Objects.requireNonNull(onChange);
        this.listener = new Thread(this::listen, "picspace-pg-listen");
        listener.setDaemon(true);
    }

    public PostgresChangeChannel start() {
        listener.start();
        return this;
    }

    /** Announces a changed picture to every node; failures are logged, never thrown (the change is committed). */
    public void publish(String urlToken) {
        try {
            database.write(h -> h.createQuery("SELECT pg_notify(:channel, :token)")
                    .bind("channel", CHANNEL).bind("token", urlToken).mapTo(String.class).findOne());
        } catch (RuntimeException e) {
            LOG.warn("announcing a change of picture {} failed: {}", urlToken, e.toString());
        }
    }

    private void listen() {
        long backoff = 500;
        while (!closed) {
            try (Connection c = DriverManager.getConnection(jdbcUrl)) {
                connection = c;
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + CHANNEL);
                }
                backoff = 500;
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] got = pg.getNotifications(1000); // waits up to 1 s
                    if (got == null) continue;
                    for (PGNotification n : got) {
                        try {
                            onChange.accept(n.getParameter());
                        } catch (RuntimeException e) {
                            LOG.warn("handling a picture change notification failed: {}", e.toString());
                        }
                    }
                }
            } catch (SQLException e) {
                if (closed) return;
                LOG.warn("listening for picture changes failed, retrying in {} ms: {}", backoff, e.getMessage());
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    return;
                }
                backoff = Math.min(backoff * 2, 30_000);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        listener.interrupt();
        Connection c = connection;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing on the way out
            }
        }
    }
}
