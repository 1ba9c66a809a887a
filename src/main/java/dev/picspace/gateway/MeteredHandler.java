package dev.picspace.gateway;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Counts and times the requests a handler answers, by HTTP method and status class, once the
 * response has been written (the callback completes), so a slow client shows in the latency.
 */
public final class MeteredHandler extends Handler.Wrapper {
    private final GatewayMetrics metrics;
    private final String dialect;

    public MeteredHandler(String dialect, GatewayMetrics metrics, Handler handler) {
        super(handler);
        this.dialect = dialect;
        this.metrics = metrics;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        long started = System.nanoTime();
        Callback metered = new Callback() {
            @Override public void succeeded() { record(); callback.succeeded(); }
            @Override public void failed(Throwable x) { record(); callback.failed(x); }
            @Override public InvocationType getInvocationType() { return callback.getInvocationType(); }
            private void record() {
                String method = switch (request.getMethod()) {
                    case "GET", "HEAD" -> request.getMethod();
                    default -> "other";
                };
                metrics.request(dialect, method, (response.getStatus() / 100) + "xx", System.nanoTime() - started);
            }
        };
        return super.handle(request, response, metered);
    }
}
