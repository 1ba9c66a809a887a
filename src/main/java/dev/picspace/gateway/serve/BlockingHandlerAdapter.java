package dev.picspace.gateway.serve;

import java.util.concurrent.RejectedExecutionException;

import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Runs a blocking handler (JDBC, file uploads, anything that waits) on the server's thread pool, so
 * that the handler tree as a whole can be {@code NON_BLOCKING}.
 *
 * <p>Why it exists: Jetty 12 decides per server, not per handler, whether to call the tree on the
 * selector thread ({@code Server.getInvocationType()} combines every handler's type, and one blocking
 * handler makes the whole tree blocking). {@link PictureServingHandler} answers cache hits on the
 * selector thread, which is most of its speed; next to an unwrapped blocking API handler it would
 * lose that. Put this around the blocking part:
 * <pre>{@code
 * server.setHandler(new Handler.Sequence(pictureServingHandler, new BlockingHandlerAdapter(apiHandlers)));
 * }</pre>
 *
 * <p>It always answers: it cannot know before dispatching whether the wrapped handler will take the
 * request, so a request it declines gets a 404. Use it last in a sequence.
 */
public class BlockingHandlerAdapter extends Handler.Wrapper {

    public BlockingHandlerAdapter(Handler blocking) {
        super(blocking);
    }

    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Handler next = getHandler();
        if (next == null) return false;
        try {
            request.getComponents().getThreadPool().execute(() -> {
                try {
                    if (!next.handle(request, response, callback)) {
                        Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
                    }
                } catch (Throwable failure) {
                    // what Jetty itself does with a handler that throws
                    callback.failed(failure);
                }
            });
        } catch (RejectedExecutionException busy) {
            Response.writeError(request, response, callback, HttpStatus.SERVICE_UNAVAILABLE_503);
        }
        return true;
    }
}
