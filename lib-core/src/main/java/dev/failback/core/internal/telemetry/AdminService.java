package dev.failback.core.internal.telemetry;

import dev.failback.WebhookHandler;
import dev.failback.WebhookRequest;
import dev.failback.WebhookResponse;
import dev.failback.core.internal.ingress.WebhookService;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failback's own endpoints, behind {@link dev.failback.Failback#adminHandler()} and the {@code /_/}
 * paths of the webhook handler: {@code /_/healthz} (readiness), {@code /_/livez} (liveness),
 * {@code /_/varz} (Prometheus text) and {@code /_/status} (an HTML page for people, {@link StatusPage}).
 * Never authenticates, never reads the body, and answers nothing but states, database roles, SQLStates,
 * metrics and refused requests' paths: no rows, keys, tokens or connection strings. Thread-safe.
 */
public final class AdminService implements WebhookHandler {
    private static final Logger LOG = LoggerFactory.getLogger(AdminService.class);

    /** The path prefix of every admin endpoint: {@value}. */
    static final String PREFIX = "/_/";

    private final String name;
    private final Supplier<String> healthProblem;
    private final Supplier<String> scrape;
    private final Supplier<String> statusPage;

    /**
     * @param name          the pipeline's name, for the log
     * @param healthProblem null when ready, else what is wrong, one line
     * @param meterRegistry the registry to scrape, or null
     * @param statusPage    the HTML of {@code /_/status} ({@link StatusPage#html()})
     */
    public AdminService(String name, Supplier<String> healthProblem, MeterRegistry meterRegistry,
            Supplier<String> statusPage) {
        this.name = name;
        this.healthProblem = healthProblem;
        this.scrape = PrometheusScrape.of(meterRegistry);
        this.statusPage = statusPage;
    }

    /**
     * Returns whether a path is an admin path, answered by this service on every port.
     *
     * @param path the decoded request path
     * @return true for {@code /_} and anything under {@code /_/}
     */
    public static boolean isAdminPath(String path) {
        List<String> segments = WebhookService.segments(path);
        return !segments.isEmpty() && segments.get(0).equals("_");
    }

    @Override
    public WebhookResponse handle(WebhookRequest request) {
        try {
            return answer(request);
        } catch (RuntimeException e) {
            LOG.error("{} - unexpected failure handling {} {}", name, request.method(), request.path(), e);
            return new WebhookResponse(500, "internal error: " + e.getClass().getSimpleName());
        } finally {
            close(request.body());
        }
    }

    private WebhookResponse answer(WebhookRequest request) {
        List<String> segments = WebhookService.segments(request.path());
        String what = segments.size() == 2 && segments.get(0).equals("_") ? segments.get(1) : "";
        if (!what.equals("healthz") && !what.equals("livez") && !what.equals("varz") && !what.equals("status")) {
            return new WebhookResponse(404, "unknown path " + abbreviate(request.path())
                    + "; this port answers /_/healthz, /_/livez, /_/varz and /_/status");
        }
        if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            return new WebhookResponse(405, "method " + abbreviate(request.method()) + " not allowed on "
                    + request.path() + "; use GET");
        }
        switch (what) {
            case "healthz" -> {
                String problem = healthProblem.get();
                return problem == null ? new WebhookResponse(200, "OK") : new WebhookResponse(503, problem);
            }
            case "livez" -> {
                return new WebhookResponse(200, "OK");
            }
            case "status" -> {
                return new WebhookResponse(200, statusPage.get(), null, StatusPage.HEADERS);
            }
            default -> {
                if (scrape == null) {
                    return new WebhookResponse(404, "metrics are off: no PrometheusMeterRegistry was given to"
                            + " Failback.Builder#meterRegistry");
                }
                return new WebhookResponse(200, scrape.get());
            }
        }
    }

    /** One line of at most 100 characters, for echoing what a client sent in an answer. */
    public static String abbreviate(String s) {
        String one = s.replace('\r', ' ').replace('\n', ' ');
        return one.length() <= 100 ? one : one.substring(0, 97) + "...";
    }

    private static void close(InputStream body) {
        try {
            body.close();
        } catch (IOException e) {
            LOG.trace("closing request body", e);
        }
    }
}
