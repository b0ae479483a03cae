package dev.failback.core.internal.telemetry;

import dev.failback.State;
import dev.failback.spi.Sink;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Readiness, as {@code /_/healthz} answers it: the pipeline runs, staging and target each hand out a
 * valid connection, and no sink is saturated. Logs at WARN when the answer turns bad and at INFO when
 * it turns good again. Thread-safe.
 */
public final class Health {
    private static final Logger LOG = LoggerFactory.getLogger(Health.class);

    /** Longest a readiness check waits for each database. */
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** How long a readiness result is reused. */
    static final Duration CACHE = Duration.ofSeconds(1);

    private final String name;
    private final DataSource staging;
    private final DataSource target;
    private final Supplier<List<Sink>> sinks;
    private final Executor executor;
    private final Object lock = new Object();
    private long checkedAt;
    private String last;

    public Health(String name, DataSource staging, DataSource target, Supplier<List<Sink>> sinks, Executor executor) {
        this.name = name;
        this.staging = staging;
        this.target = target;
        this.sinks = sinks;
        this.executor = executor;
    }

    /**
     * Checks readiness: the pipeline is running and staging and target each hand out a valid
     * connection within {@link #TIMEOUT}. Results are reused for {@link #CACHE} so that
     * probes cannot drain the pools. The answer names the database and the SQLState, never the
     * driver's message (it may name hosts and users); that goes to the log when the problem changes.
     *
     * @param s the pipeline's state
     * @return null when ready, else what is wrong, one line
     */
    public String problem(State s) {
        if (s != State.RUNNING) {
            return "failback is " + s.name().toLowerCase(Locale.ROOT);
        }
        synchronized (lock) {
            long now = System.nanoTime();
            if (checkedAt != 0 && now - checkedAt < CACHE.toNanos()) {
                return last;
            }
            CompletableFuture<Ping> stagingPing = ping("staging", staging);
            CompletableFuture<Ping> targetPing = staging == target
                    ? CompletableFuture.completedFuture(Ping.OK) : ping("target", target);
            List<String> problems = new ArrayList<>(2);
            List<String> details = new ArrayList<>(2);
            for (CompletableFuture<Ping> f : List.of(stagingPing, targetPing)) {
                Ping p = outcome(f, f == stagingPing ? "staging" : "target");
                if (p.problem() != null) {
                    problems.add(p.problem());
                    details.add(p.detail());
                }
            }
            for (Sink sink : sinks.get()) {
                // a flooded data port: changefeed requests wait or fail though the databases are fine
                sink.saturation().ifPresent(saturated -> {
                    problems.add(saturated);
                    details.add(saturated);
                });
            }
            String problem = problems.isEmpty() ? null : String.join("; ", problems);
            if (!Objects.equals(problem, last)) {
                if (problem == null) {
                    LOG.info("{} - health check passes again", name);
                } else {
                    LOG.warn("{} - health check fails: {}", name, String.join("; ", details));
                }
            }
            last = problem;
            checkedAt = System.nanoTime();
            return problem;
        }
    }

    /** One database check: the problem to answer (null when fine) and the detail to log. */
    private record Ping(String problem, String detail) {
        static final Ping OK = new Ping(null, null);

        static Ping failed(String problem) {
            return new Ping(problem, problem);
        }
    }

    private CompletableFuture<Ping> ping(String what, DataSource ds) {
        try {
            return CompletableFuture.supplyAsync(() -> {
                try (Connection c = ds.getConnection()) {
                    return c.isValid((int) TIMEOUT.toSeconds()) ? Ping.OK
                            : Ping.failed(what + " database is not answering");
                } catch (SQLException e) {
                    String state = e.getSQLState() == null ? "" : " (SQLState " + e.getSQLState() + ")";
                    return new Ping(what + " database unreachable" + state,
                            what + " database unreachable: " + e.getMessage() + state);
                }
            }, executor);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(Ping.failed("failback is stopping"));
        }
    }

    private static Ping outcome(CompletableFuture<Ping> ping, String what) {
        try {
            return ping.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return Ping.failed(what + " database did not answer within " + TIMEOUT.toSeconds() + "s");
        } catch (ExecutionException e) {
            return new Ping(what + " database check failed (" + e.getCause().getClass().getSimpleName() + ")",
                    what + " database check failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Ping.failed(what + " database check interrupted");
        }
    }

}
