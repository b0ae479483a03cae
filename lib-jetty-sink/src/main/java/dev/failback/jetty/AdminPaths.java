package dev.failback.jetty;

import dev.failback.WebhookHandler;
import dev.failback.WebhookResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * The paths under {@code /_/} ({@code healthz}, {@code livez}, {@code varz}), answered without
 * authentication, matched on the decoded path ignoring empty segments as the pipeline does.
 */
final class AdminPaths {
    private AdminPaths() {
    }

    /** Whether a decoded path is under {@code /_/}, answered without authentication. */
    static boolean isAdmin(String path) {
        for (String segment : path.split("/")) {
            if (!segment.isEmpty()) {
                return segment.equals("_");
            }
        }
        return false;
    }

    /** Whether a decoded path names {@code /_/varz}, ignoring empty segments as the pipeline does. */
    static boolean isVarz(String path) {
        List<String> segments = new ArrayList<>(2);
        for (String segment : path.split("/")) {
            if (!segment.isEmpty()) {
                segments.add(segment);
            }
        }
        return segments.equals(List.of("_", "varz"));
    }

    /** Answers {@code /_/varz} 404 instead of passing it on: metrics are served on another address. */
    static WebhookHandler withoutVarz(WebhookHandler handler) {
        return request -> isVarz(request.path())
                ? new WebhookResponse(404, "metrics are not served on this port; scrape the metrics address")
                : handler.handle(request);
    }
}
