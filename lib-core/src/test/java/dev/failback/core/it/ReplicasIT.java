package dev.failback.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.Mode;
import dev.failback.core.it.ReplicaChild.Handle;
import dev.failback.core.it.ReplicaChild.LeaseEvent;
import dev.failback.testing.TestSchema;
import dev.failback.testing.simulator.ChangefeedSimulator;
import dev.failback.testing.simulator.TargetVerifier;
import dev.failback.testing.simulator.Workload;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replicas behind a load balancer: three {@link ReplicaChild} JVMs of one deployment share one target
 * and one staging schema (staging in the target); a {@link ChangefeedSimulator} sends every attempt of
 * every POST to one of them at random (retries included, as a load balancer would), with simulated
 * changefeed restarts, a transfer workload and a concurrent reader checking {@code count = N and sum =
 * total} in one statement. Meanwhile a seeded schedule kills the lease holder with SIGKILL, kills a
 * standby with SIGKILL, and freezes the holder with SIGSTOP for 2.5 × the lease TTL before SIGCONT;
 * killed replicas restart on the same port. A SIGSTOPped replica keeps its sockets but answers
 * nothing: the simulator's requests to it time out (2 s) and are retried elsewhere.
 *
 * <p>Failover time is from the SIGKILL or SIGSTOP of the holder to the first {@code LEASE ACQUIRED}
 * line of another replica; each must be at most 2 × TTL (+ 2 s for process scheduling). Consistent
 * mode: 0 torn reads and lease epochs that only grow. Both modes: the target equals the source model
 * (0 missing, 0 extra, 0 wrong). In immediate mode torn reads are counted, not asserted, and leases
 * are optional: when no replica prints a lease line within TTL + 1 s of the first requests (every
 * replica applies what it receives), the "holder" is a random replica and no failover is measured.
 *
 * <p>The three replicas start at once, as the pods of one deployment do, on a staging schema that
 * does not exist yet.
 *
 * <p>System properties: {@code failback.replicas.seconds} (default 12) and {@code failback.replicas.seed}
 * (default 1). {@code ./mvnw -pl lib-core -am verify -Dit.test=ReplicasIT -Dtest=none
 * -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false}.
 */
class ReplicasIT {
    static final Duration TTL = Duration.ofMillis(2_000);
    static final Duration RENEWAL = Duration.ofMillis(400);
    private static final int REPLICAS = 3;
    private static final String[] JVM = {"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"};

    /** What the schedule does to a replica. */
    enum Action {
        KILL_HOLDER, KILL_STANDBY, STOP_HOLDER
    }

    private TestSchema db;
    private TestSchema.Kind kind;
    private Mode mode;
    private final Handle[] slots = new Handle[REPLICAS];
    private final int[] ports = new int[REPLICAS];
    private final int[] generation = new int[REPLICAS];
    /** Every replica ever started, for their lease lines. */
    private final List<Handle> all = Collections.synchronizedList(new ArrayList<>());

    static Stream<Arguments> targetsAndModes() {
        return Arrays.stream(TestSchema.Kind.values())
                .flatMap(k -> Arrays.stream(Mode.values()).map(m -> Arguments.of(k, m)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("targetsAndModes")
    void failoverUnderLoadLosesNothing(TestSchema.Kind kind, Mode mode) throws Exception {
        long seconds = Long.getLong("failback.replicas.seconds", 12);
        long seed = Long.getLong("failback.replicas.seed", 1) * 31 + kind.ordinal() * 7 + mode.ordinal();
        this.kind = kind;
        this.mode = mode;
        ChaosIT.Load load = ChaosIT.Load.TRANSFER;
        Workload workload = load.create();
        db = kind.create("replicas");
        AtomicBoolean reading = new AtomicBoolean(true);
        AtomicLong reads = new AtomicLong();
        AtomicLong torn = new AtomicLong();
        AtomicReference<String> firstTorn = new AtomicReference<>();
        Thread reader = null;
        try {
            for (String ddl : load.ddl(workload, db, kind, mode).split(";\n")) {
                db.execute(ddl);
            }
            freePorts(ports);
            long launched = System.nanoTime();
            for (int i = 0; i < REPLICAS; i++) {
                spawn(i);
            }
            for (Handle h : slots) {
                h.awaitReady(Duration.ofSeconds(60));
            }
            reader = new Thread(() -> ChaosIT.read(db, load, reading, reads, torn, firstTorn), "replicas-reader");
            reader.setDaemon(true);
            reader.start();

            List<URI> urls = new ArrayList<>();
            for (int p : ports) {
                urls.add(URI.create("http://127.0.0.1:" + p + db.path()));
            }
            Random random = new Random(seed);
            List<Long> failovers = new ArrayList<>();
            int[] done = new int[Action.values().length];
            List<long[]> stops = new ArrayList<>(); // {slot, generation, sigcont nanos}
            ChangefeedSimulator.Stats stats;
            TargetVerifier.Report report;
            boolean leases;
            try (ChangefeedSimulator sim = ChangefeedSimulator.builder().urls(urls)
                    .nodes(3).maxBatch(32).seed(seed).resolvedInterval(Duration.ofMillis(100))
                    .retryBackoff(Duration.ofMillis(20)).requestTimeout(Duration.ofSeconds(2))
                    .restartProbability(0.04).transactionsPerSecond(150)
                    .workload(workload).build()) {
                sim.start();
                AtomicReference<Throwable> generatorFailure = new AtomicReference<>();
                Thread generator = new Thread(() -> {
                    try {
                        sim.runFor(Duration.ofDays(1));
                    } catch (Throwable t) {
                        generatorFailure.set(t);
                    }
                }, "replicas-generator");
                generator.start();
                long start = System.nanoTime();

                // The first holder: every replica receives the group's requests at once.
                Optional<Handle> first = awaitHolder(launched, mode == Mode.CONSISTENT
                        ? TTL.multipliedBy(2).plusSeconds(10) : TTL.plusSeconds(1));
                leases = first.isPresent();
                if (mode == Mode.CONSISTENT) {
                    assertThat(first).as("no replica printed LEASE ACQUIRED within " + TTL.multipliedBy(2).plusSeconds(10)
                            + " of the first requests:\n" + outputs()).isPresent();
                }
                System.out.printf("ReplicasIT %s %s: first holder %s after %d ms%n", kind, mode,
                        first.map(Handle::name).orElse("(none: no lease lines)"), ms(System.nanoTime() - start));

                List<Action> plan = new ArrayList<>(List.of(Action.values()));
                Collections.shuffle(plan, random);
                long end = start + TimeUnit.SECONDS.toNanos(seconds);
                int actions = 0;
                while (actions < plan.size() || System.nanoTime() < end) {
                    Thread.sleep(300 + random.nextInt(700));
                    Action action = actions < plan.size() ? plan.get(actions)
                            : Action.values()[random.nextInt(Action.values().length)];
                    actions++;
                    for (Handle h : slots) {
                        h.awaitReady(Duration.ofSeconds(60));
                    }
                    int holder = leases ? slotOf(awaitHolder(launched,
                            TTL.multipliedBy(2).plusSeconds(10)).orElseThrow(() -> new AssertionError(
                                    "no live holder before " + action + ":\n" + outputs())))
                            : random.nextInt(REPLICAS);
                    switch (action) {
                        case KILL_HOLDER -> {
                            Handle victim = slots[holder];
                            victim.killNine();
                            long t0 = System.nanoTime();
                            spawn(holder); // restarts at once, as an orchestrator would; READY is awaited later
                            if (leases) {
                                failovers.add(awaitFailover(victim, t0, action));
                            }
                        }
                        case KILL_STANDBY -> {
                            int standby = (holder + 1 + random.nextInt(REPLICAS - 1)) % REPLICAS;
                            slots[standby].killNine();
                            spawn(standby);
                            slots[standby].awaitReady(Duration.ofSeconds(60));
                        }
                        case STOP_HOLDER -> {
                            Handle victim = slots[holder];
                            victim.sigstop();
                            long t0 = System.nanoTime();
                            if (leases) {
                                failovers.add(awaitFailover(victim, t0, action));
                            }
                            long wake = t0 + TTL.toNanos() * 5 / 2;
                            long left = wake - System.nanoTime();
                            if (left > 0) {
                                TimeUnit.NANOSECONDS.sleep(left);
                            }
                            long resumed = System.nanoTime(); // before: the child may print LEASE LOST at once
                            victim.sigcont();
                            stops.add(new long[] {holder, generation[holder], resumed});
                        }
                        default -> throw new AssertionError(action);
                    }
                    done[action.ordinal()]++;
                }
                for (Handle h : slots) {
                    h.awaitReady(Duration.ofSeconds(60));
                }
                long scheduled = System.nanoTime();
                sim.stop();
                generator.join();
                assertThat(generatorFailure.get()).isNull();
                try {
                    sim.finish(Duration.ofMinutes(2));
                } catch (IllegalStateException e) {
                    throw new AssertionError(e.getMessage() + "\n" + outputs(), e);
                }
                stats = sim.stats();
                long finished = System.nanoTime();
                report = ChaosIT.awaitMatch(db, sim);
                System.out.printf("ReplicasIT %s %s: schedule took %d ms, finish %d ms, verify %d ms%n", kind, mode,
                        ms(scheduled - start), ms(finished - scheduled), ms(System.nanoTime() - finished));
            } finally {
                reading.set(false);
                reader.join(10_000);
            }
            int resumedLost = 0;
            for (long[] s : stops) {
                Handle h = handle((int) s[0], (int) s[1]);
                if (h != null && h.events().stream().anyMatch(e -> !e.acquired() && e.nanos() - s[2] >= 0)) {
                    resumedLost++;
                }
            }
            long missing = report.tables().stream().mapToLong(TargetVerifier.TableReport::missing).sum();
            long extra = report.tables().stream().mapToLong(TargetVerifier.TableReport::extra).sum();
            long wrong = report.tables().stream().mapToLong(TargetVerifier.TableReport::wrong).sum();
            List<Long> sorted = new ArrayList<>(failovers);
            Collections.sort(sorted);
            long median = sorted.isEmpty() ? -1 : sorted.get(sorted.size() / 2);
            long max = sorted.isEmpty() ? -1 : sorted.get(sorted.size() - 1);
            List<LeaseEvent> acquisitions = allEvents().stream().filter(LeaseEvent::acquired).toList();
            System.out.printf("ReplicasIT %s %s: %d holder kills, %d standby kills, %d holder stops"
                    + " (%d resumed holders printed LEASE LOST), %d lease acquisitions, failover median %d ms / max %d ms"
                    + " (limit %d ms) of %s%n", kind, mode, done[Action.KILL_HOLDER.ordinal()],
                    done[Action.KILL_STANDBY.ordinal()], done[Action.STOP_HOLDER.ordinal()], resumedLost,
                    acquisitions.size(), median, max, maxFailover(), failovers);
            System.out.printf("ReplicasIT %s %s: %d changefeed restarts, %d transactions, %d mutations, %d re-queued,"
                    + " %d retries, %d reads, %d torn%s, %d missing / %d extra / %d wrong%n", kind, mode,
                    stats.restarts(), stats.transactions(), stats.messages(), stats.reemitted(), stats.retries(),
                    reads.get(), torn.get(), mode == Mode.CONSISTENT ? "" : " (not asserted)", missing, extra, wrong);
            assertThat(report.matches()).as(report.toString()).isTrue();
            assertThat(stats.transactions()).isGreaterThan(100);
            assertThat(reads.get()).isPositive();
            for (Action a : Action.values()) {
                assertThat(done[a.ordinal()]).as(a.toString()).isPositive();
            }
            if (leases) {
                assertThat(failovers).as("failovers")
                        .hasSize(done[Action.KILL_HOLDER.ordinal()] + done[Action.STOP_HOLDER.ordinal()]);
                assertThat(max).as("longest failover (ms) of " + failovers).isLessThanOrEqualTo(maxFailover());
            }
            if (mode == Mode.CONSISTENT) {
                assertThat(torn.get()).as("torn reads: " + firstTorn.get()).isZero();
                assertThat(resumedLost).as("holders resumed after SIGSTOP past the TTL that stood down").isEqualTo(stops.size());
                // Fencing tokens: every acquisition has a larger epoch than every earlier one.
                for (int i = 1; i < acquisitions.size(); i++) {
                    assertThat(acquisitions.get(i).epoch()).as("epoch of " + acquisitions.get(i) + " after "
                            + acquisitions.get(i - 1)).isGreaterThan(acquisitions.get(i - 1).epoch());
                }
            }
        } finally {
            reading.set(false);
            for (Handle h : all) {
                if (h.stopped()) {
                    h.sigcont();
                }
                h.destroy();
            }
            db.close();
        }
    }

    /** The longest failover allowed: 2 × TTL, plus 2 s for process scheduling. */
    static long maxFailover() {
        return TTL.multipliedBy(2).toMillis() + 2_000;
    }

    private void spawn(int slot) throws IOException {
        generation[slot]++;
        Handle h = ReplicaChild.start(kind, db.stagingSchema(), ports[slot], mode, 50,
                "replica-" + (slot + 1) + "-" + generation[slot], TTL, RENEWAL, JVM);
        slots[slot] = h;
        all.add(h);
    }

    private Handle handle(int slot, int gen) {
        String name = "replica-" + (slot + 1) + "-" + gen;
        synchronized (all) {
            return all.stream().filter(h -> h.name().equals(name)).findFirst().orElse(null);
        }
    }

    private int slotOf(Handle h) {
        for (int i = 0; i < REPLICAS; i++) {
            if (slots[i] == h) {
                return i;
            }
        }
        throw new AssertionError(h + " is not a current replica");
    }

    private List<LeaseEvent> allEvents() {
        List<LeaseEvent> events = new ArrayList<>();
        synchronized (all) {
            for (Handle h : all) {
                events.addAll(h.events());
            }
        }
        events.sort(Comparator.comparingLong(LeaseEvent::nanos));
        return events;
    }

    /**
     * The current holder: the replica of the latest {@code LEASE ACQUIRED} read at or after
     * {@code afterNanos}, alive, not stopped, and without a later {@code LEASE LOST}.
     */
    private Optional<Handle> holder(long afterNanos) {
        List<LeaseEvent> events = allEvents();
        for (int i = events.size() - 1; i >= 0; i--) {
            LeaseEvent e = events.get(i);
            if (!e.acquired() || e.nanos() - afterNanos < 0) {
                continue;
            }
            Handle h;
            synchronized (all) {
                h = all.stream().filter(x -> x.name().equals(e.child())).findFirst().orElse(null);
            }
            if (h == null || !h.alive() || h.stopped() || slotOfOrMinus(h) < 0) {
                continue;
            }
            boolean lost = events.subList(i + 1, events.size()).stream()
                    .anyMatch(x -> !x.acquired() && x.child().equals(e.child()) && x.group().equals(e.group()));
            if (!lost) {
                return Optional.of(h);
            }
        }
        return Optional.empty();
    }

    private int slotOfOrMinus(Handle h) {
        for (int i = 0; i < REPLICAS; i++) {
            if (slots[i] == h) {
                return i;
            }
        }
        return -1;
    }

    private Optional<Handle> awaitHolder(long afterNanos, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<Handle> h = holder(afterNanos);
            if (h.isPresent() || System.nanoTime() - deadline > 0) {
                return h;
            }
            Thread.sleep(20);
        }
    }

    /**
     * Waits for another replica's {@code LEASE ACQUIRED} after the holder was killed or stopped at
     * {@code t0}; returns the failover time in milliseconds.
     */
    private long awaitFailover(Handle victim, long t0, Action action) throws InterruptedException {
        Duration timeout = TTL.multipliedBy(2).plusSeconds(10);
        long deadline = t0 + timeout.toNanos();
        while (true) {
            Optional<LeaseEvent> next = allEvents().stream()
                    .filter(e -> e.acquired() && e.nanos() - t0 >= 0 && !e.child().equals(victim.name()))
                    .findFirst();
            if (next.isPresent()) {
                long took = ms(next.get().nanos() - t0);
                System.out.printf("ReplicasIT %s %s: %s of %s: %s acquired epoch %d after %d ms%n", kind, mode,
                        action, victim.name(), next.get().child(), next.get().epoch(), took);
                return took;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("no other replica printed LEASE ACQUIRED within " + timeout + " of " + action
                        + " of " + victim + ":\n" + outputs());
            }
            Thread.sleep(10);
        }
    }

    /** The last lines of every current replica. */
    private String outputs() {
        StringBuilder b = new StringBuilder();
        for (Handle h : slots) {
            if (h != null) {
                b.append("---- ").append(h).append(h.alive() ? "" : " (dead)").append(" ----\n")
                        .append(h.output()).append('\n');
            }
        }
        return b.toString();
    }



    static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    /** Fills {@code ports} with distinct free ports. */
    static void freePorts(int[] ports) throws IOException {
        List<ServerSocket> open = new ArrayList<>();
        try {
            for (int i = 0; i < ports.length; i++) {
                ServerSocket s = new ServerSocket(0);
                open.add(s);
                ports[i] = s.getLocalPort();
            }
        } finally {
            for (ServerSocket s : open) {
                s.close();
            }
        }
    }
}
