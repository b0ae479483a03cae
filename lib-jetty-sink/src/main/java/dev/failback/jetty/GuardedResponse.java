package dev.failback.jetty;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Asks for {@code Connection: close} on an answer after which the connection should not be reused. */
final class GuardedResponse extends Response.Wrapper {
    private final Exchange x;

    GuardedResponse(Request request, Response response, Exchange x) {
        super(request, response);
        this.x = x;
    }

    @Override
    public void write(boolean last, ByteBuffer content, Callback callback) {
        if (!isCommitted()) {
            boolean refusedStranger = ConnectionGuard.refusal(getStatus()) && !x.peer.authenticated;
            if (refusedStranger || !x.bodyComplete()) {
                // HTTP/2: other streams may share an authenticated connection; the stream ends alone
                x.closeAfterAnswer = x.http1 || !x.peer.authenticated;
                if (x.http1) {
                    getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
                }
            }
        }
        super.write(last, content, callback);
    }
}
