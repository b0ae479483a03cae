package dev.failback.core.it;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.failback.Failback;
import dev.failback.FailbackListener;
import dev.failback.Mode;
import dev.failback.jetty.JettySink;
import dev.failback.testing.TestDatabases;
import dev.failback.testing.TestSchema;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One replica of a deployment as a child process, for {@link ReplicasIT} and {@link RollingDeployIT}:
 * like {@link CrashChild} (a PostgreSQL or MariaDB target, staging in the target, the Jetty sink on a
 * fixed port), plus an instance id, lease settings and a listener that prints every lease change to
 * stdout, flushed, as {@code LEASE ACQUIRED <group> <epoch>} and {@code LEASE LOST <group> <epoch>
 * <reason>}. Prints {@code READY} once it accepts requests. A shutdown hook closes the pipeline, so
 * SIGTERM is a graceful stop that releases the leases; SIGKILL is a crash.
 *
 * <p>{@link #launch} starts one and returns a {@link Handle} that keeps reading its output.
 */
public final class ReplicaChild {
    /** A lease line as printed by the child. */
    static final Pattern LEASE = Pattern.compile("LEASE (ACQUIRED|LOST) (\\S+) (-?\\d+)(?: (.*))?$");

    private ReplicaChild() {
    }

    /**
     * Runs the pipeline until SIGTERM (graceful) or SIGKILL.
     *
     * @param args JDBC URL, staging schema, port, mode (CONSISTENT or IMMEDIATE), flush size,
     *             instance id, lease TTL in milliseconds, lease renewal in milliseconds
     * @throws Exception when it cannot start
     */
    public static void main(String[] args) throws Exception {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(args[0]);
        cfg.setMaximumPoolSize(8);
        HikariDataSource ds = new HikariDataSource(cfg);
        FailbackListener leases = new FailbackListener() {
            @Override
            public void onLeaseAcquired(String group, String instance, long epoch) {
                print("LEASE ACQUIRED " + group + " " + epoch);
            }

            @Override
            public void onLeaseLost(String group, String instance, long epoch, String reason) {
                print("LEASE LOST " + group + " " + epoch + " " + (reason == null ? "" : reason.replace('\n', ' ')));
            }
        };
        Failback failback = Failback.builder().disableAuthentication().name("replica").target(ds)
                .stagingSchema(args[1]).createStagingSchema(true).mode(Mode.valueOf(args[3]))
                .flushSize(Integer.parseInt(args[4])).instanceId(args[5])
                .leaseTtl(Duration.ofMillis(Long.parseLong(args[6])))
                .leaseRenewal(Duration.ofMillis(Long.parseLong(args[7])))
                .listener(leases)
                .sink(JettySink.bind("127.0.0.1", Integer.parseInt(args[2]))).start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            failback.close();
            print("CLOSED");
        }, "replica-shutdown"));
        print("READY");
        failback.awaitTermination(Duration.ofDays(1));
    }

    private static void print(String line) {
        synchronized (System.out) {
            System.out.println(line);
            System.out.flush();
        }
    }

    /**
     * Starts a replica in a child JVM and returns once it prints {@code READY}.
     *
     * @param kind          the target database (staging in it)
     * @param stagingSchema the staging schema
     * @param port          the sink's port
     * @param mode          the mode
     * @param flushSize     the flush size
     * @param instanceId    the instance id, also the handle's name
     * @param leaseTtl      the lease TTL
     * @param leaseRenewal  the lease renewal interval
     * @param jvmOptions    extra JVM options
     * @return the running child
     * @throws IOException when it cannot start or exits before {@code READY}
     * @throws InterruptedException when interrupted while waiting
     */
    static Handle launch(TestSchema.Kind kind, String stagingSchema, int port, Mode mode, int flushSize,
            String instanceId, Duration leaseTtl, Duration leaseRenewal, String... jvmOptions)
            throws IOException, InterruptedException {
        Handle h = start(kind, stagingSchema, port, mode, flushSize, instanceId, leaseTtl, leaseRenewal, jvmOptions);
        h.awaitReady(Duration.ofSeconds(60));
        return h;
    }

    /**
     * Starts a replica in a child JVM without waiting; see {@link Handle#awaitReady}.
     *
     * @return the child, maybe not ready yet
     * @throws IOException when it cannot start
     */
    static Handle start(TestSchema.Kind kind, String stagingSchema, int port, Mode mode, int flushSize,
            String instanceId, Duration leaseTtl, Duration leaseRenewal, String... jvmOptions) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        command.add("-Xmx256m");
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ReplicaChild.class.getName(),
                jdbcUrl(kind), stagingSchema, Integer.toString(port), mode.name(), Integer.toString(flushSize),
                instanceId, Long.toString(leaseTtl.toMillis()), Long.toString(leaseRenewal.toMillis())));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        return new Handle(instanceId, port, process);
    }

    /** The JDBC URL a child uses, as {@link CrashChild} does. */
    static String jdbcUrl(TestSchema.Kind kind) {
        return kind == TestSchema.Kind.POSTGRESQL ? TestDatabases.postgresUrl()
                : TestDatabases.mysqlUrl() + "&rewriteBatchedStatements=true&sessionVariables=time_zone='%2B00:00'";
    }

    /**
     * A lease line read from a child.
     *
     * @param child    the instance id of the child that printed it
     * @param acquired true for ACQUIRED, false for LOST
     * @param group    the group
     * @param epoch    the epoch
     * @param reason   the reason (LOST), else null
     * @param nanos    {@link System#nanoTime()} when the parent read the line
     */
    record LeaseEvent(String child, boolean acquired, String group, long epoch, String reason, long nanos) {
    }

    /** A running child: reads its output on a daemon thread, records lease lines, signals it. */
    static final class Handle {
        private static final int KEEP = 200;

        private final String name;
        private final int port;
        private final Process process;
        private final Thread reader;
        private final ArrayDeque<String> tail = new ArrayDeque<>();
        private final List<LeaseEvent> events = new ArrayList<>();
        private boolean ready;
        private boolean eof;
        private volatile boolean stopped;

        Handle(String name, int port, Process process) {
            this.name = name;
            this.port = port;
            this.process = process;
            this.reader = new Thread(this::read, "replica-output-" + name);
            this.reader.setDaemon(true);
            this.reader.start();
        }

        private void read() {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    long now = System.nanoTime();
                    synchronized (this) {
                        tail.addLast(line);
                        if (tail.size() > KEEP) {
                            tail.removeFirst();
                        }
                        if (line.equals("READY")) {
                            ready = true;
                        }
                        Matcher m = LEASE.matcher(line);
                        if (m.find()) {
                            events.add(new LeaseEvent(name, m.group(1).equals("ACQUIRED"), m.group(2),
                                    Long.parseLong(m.group(3)), m.group(4), now));
                        }
                        notifyAll();
                    }
                }
            } catch (IOException e) {
                // the child is gone
            } finally {
                synchronized (this) {
                    eof = true;
                    notifyAll();
                }
            }
        }

        /** The instance id. */
        String name() {
            return name;
        }

        /** The sink's port. */
        int port() {
            return port;
        }

        /** The process id. */
        long pid() {
            return process.pid();
        }

        /** Whether the process is alive (a SIGSTOPped one is). */
        boolean alive() {
            return process.isAlive();
        }

        /** Whether it is SIGSTOPped. */
        boolean stopped() {
            return stopped;
        }

        /**
         * Waits for {@code READY}.
         *
         * @param timeout the longest to wait
         * @throws IOException when it exits or times out first (the process is killed)
         * @throws InterruptedException when interrupted
         */
        void awaitReady(Duration timeout) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            synchronized (this) {
                while (!ready && !eof) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                }
                if (ready) {
                    return;
                }
            }
            process.toHandle().destroyForcibly();
            throw new IOException("child " + name + " did not start:\n" + output());
        }

        /** Every lease line so far, in order. */
        synchronized List<LeaseEvent> events() {
            return List.copyOf(events);
        }

        /**
         * Waits for a lease line matching {@code which} read at or after {@code afterNanos}.
         *
         * @param afterNanos a {@link System#nanoTime()} reading
         * @param which      the condition
         * @param timeout    the longest to wait
         * @return the first such line, or empty on timeout or when the child's output ended
         * @throws InterruptedException when interrupted
         */
        synchronized Optional<LeaseEvent> awaitEvent(long afterNanos, Predicate<LeaseEvent> which, Duration timeout)
                throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                for (LeaseEvent e : events) {
                    if (e.nanos() - afterNanos >= 0 && which.test(e)) {
                        return Optional.of(e);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || eof) {
                    return Optional.empty();
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }

        /**
         * Waits for some {@code LEASE ACQUIRED} line read at or after {@code afterNanos}.
         *
         * @return the line, or empty on timeout
         * @throws InterruptedException when interrupted
         */
        Optional<LeaseEvent> awaitAcquired(long afterNanos, Duration timeout) throws InterruptedException {
            return awaitEvent(afterNanos, LeaseEvent::acquired, timeout);
        }

        /** The last (up to 200) lines of output, for failure messages. */
        synchronized String output() {
            return String.join("\n", tail);
        }

        /** SIGSTOP: the process freezes (it keeps its sockets; requests to it hang). */
        void sigstop() throws IOException, InterruptedException {
            signal("STOP");
            stopped = true;
        }

        /** SIGCONT after {@link #sigstop()}. */
        void sigcont() throws IOException, InterruptedException {
            signal("CONT");
            stopped = false;
        }

        private void signal(String which) throws IOException, InterruptedException {
            Process kill = new ProcessBuilder("kill", "-" + which, Long.toString(process.pid()))
                    .redirectErrorStream(true).start();
            String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (kill.waitFor() != 0) {
                throw new IOException("kill -" + which + " " + process.pid() + " failed: " + out);
            }
        }

        /**
         * SIGKILL (no shutdown hook: leases are not released) and waits for the process to end.
         *
         * @throws InterruptedException when interrupted
         */
        void killNine() throws InterruptedException {
            process.toHandle().destroyForcibly(); // unlike Process.destroyForcibly, keeps our end of its output open
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("child " + name + " (" + process.pid() + ") alive 10 s after SIGKILL");
            }
            stopped = false;
            reader.join(2_000);
        }

        /**
         * SIGTERM (the shutdown hook closes the pipeline and releases its leases) and waits for the
         * process to end and its output to be read.
         *
         * @param timeout the longest to wait before SIGKILL
         * @return true when it ended by itself within the timeout
         * @throws InterruptedException when interrupted
         */
        boolean terminate(Duration timeout) throws InterruptedException {
            process.toHandle().destroy(); // SIGTERM; Process.destroy would also close our end of its output
            boolean ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!ended) {
                killNine();
            }
            reader.join(5_000);
            return ended;
        }

        /** Kills it (SIGKILL) if still alive; for {@code finally} blocks. */
        void destroy() throws InterruptedException {
            if (process.isAlive()) {
                process.toHandle().destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }

        @Override
        public String toString() {
            return name + "(pid " + process.pid() + ", port " + port + ")";
        }
    }
}
