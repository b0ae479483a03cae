package dev.failback.jetty;

import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/** Counts what the handler reads of the body, and when it started, for the {@link ConnectionGuard}. */
final class GuardedRequest extends Request.Wrapper {
    private final Exchange x;

    GuardedRequest(Request request, Exchange x) {
        super(request);
        this.x = x;
    }

    @Override
    public Content.Chunk read() {
        x.reading();
        Content.Chunk chunk = super.read();
        x.arrived(chunk != null);
        if (chunk != null) {
            x.bytes.addAndGet(chunk.remaining());
            if (chunk.isLast()) {
                x.last = true;
            }
        }
        return chunk;
    }

    @Override
    public void demand(Runnable demandCallback) {
        x.reading();
        super.demand(demandCallback);
    }
}
