package dev.failback.jetty;

import dev.failback.WebhookHandler;
import dev.failback.WebhookRequest;
import dev.failback.WebhookResponse;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Jetty 12 core {@link Handler} that turns each HTTP request into a {@link WebhookRequest}, passes
 * it to a {@link WebhookHandler} and writes the answer back as {@code text/plain; charset=utf-8}
 * (the message followed by a newline unless it ends with one), or with the content type and headers
 * the answer carries ({@link WebhookResponse#headers()}: the HTML of {@code /_/status}). Every
 * request is handled, whatever its method or path; the webhook handler decides what to answer.
 *
 * <p>Mount it in your own Jetty server to receive a changefeed without {@link JettySink}:
 *
 * <pre>{@code
 * server.setHandler(new JettySinkHandler(failback.webhookHandler()));
 * }</pre>
 *
 * <p>The handler blocks while the webhook handler reads the body and stages it, so it declares the
 * {@link org.eclipse.jetty.util.thread.Invocable.InvocationType#BLOCKING BLOCKING} invocation type.
 * An exception escaping the webhook handler is logged and answered 500. Thread-safe.
 */
public final class JettySinkHandler extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(JettySinkHandler.class);
    /** The content type of an answer that names none: {@value}. */
    public static final String CONTENT_TYPE = WebhookResponse.TEXT_PLAIN;

    private final WebhookHandler handler;

    /**
     * Creates a handler.
     *
     * @param handler the webhook handler to pass every request to; thread-safe
     */
    public JettySinkHandler(WebhookHandler handler) {
        super(InvocationType.BLOCKING);
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    /**
     * Returns the webhook handler requests are passed to.
     *
     * @return the handler, never null
     */
    public WebhookHandler webhookHandler() {
        return handler;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        WebhookResponse answer;
        try (InputStream body = Content.Source.asInputStream(request)) {
            WebhookRequest webhookRequest = new WebhookRequest(request.getMethod(), path(request),
                    request.getHttpURI().getQuery(), headers(request), body, request.getLength());
            answer = handler.handle(webhookRequest);
            if (answer == null) {
                answer = new WebhookResponse(500, "webhook handler returned no response");
            }
        } catch (Throwable t) {
            // Swallowed here (answered 500), so logged here; never leave the client hanging.
            // The path only: the query may carry ?access_token=, which must never be logged.
            LOG.error("webhook handler failed on {} {}", request.getMethod(), request.getHttpURI().getPath(), t);
            answer = new WebhookResponse(500, "internal error: " + oneLine(t));
        }
        write(response, answer, callback);
        return true;
    }

    static void write(Response response, WebhookResponse answer, Callback callback) {
        String message = answer.message();
        byte[] bytes = (message.endsWith("\n") ? message : message + "\n").getBytes(StandardCharsets.UTF_8);
        response.setStatus(answer.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, answer.contentType());
        for (Map.Entry<String, String> header : answer.headers().entrySet()) {
            response.getHeaders().put(header.getKey(), header.getValue());
        }
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        String retryAfter = answer.retryAfterHeader();
        if (retryAfter != null) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, retryAfter);
        }
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }

    private static String path(Request request) {
        String path = request.getHttpURI().getDecodedPath();
        if (path == null || path.isEmpty()) {
            return "/";
        }
        return path;
    }

    private static Map<String, List<String>> headers(Request request) {
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (HttpField field : request.getHeaders()) {
            headers.computeIfAbsent(field.getName(), k -> new ArrayList<>(1)).add(field.getValue());
        }
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            e.setValue(List.copyOf(e.getValue()));
        }
        return headers;
    }

    private static String oneLine(Throwable t) {
        String m = t.getMessage();
        String s = t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
        s = s.replace('\r', ' ').replace('\n', ' ');
        return s.length() <= 200 ? s : s.substring(0, 197) + "...";
    }
}
