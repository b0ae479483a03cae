package dev.failback.examples.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;

/**
 * Measures one phase: wall time, this JVM's CPU time, and the peak heap in use right after a
 * garbage collection (sampled every 20 ms from the heap pools' collection usage, so garbage not
 * yet collected is not counted).
 */
final class Meter {
    /** The name prefix of the benchmark's own sending threads, whose CPU is reported apart from Failback's. */
    static final String FEED_THREAD = "bench-feed-";
    private static final java.lang.management.ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private volatile boolean running;
    /** CPU time of the feed's threads (the senders, the JDK HTTP client's, the main thread): first and last seen. */
    private final java.util.Map<Long, long[]> feedThreads = new java.util.HashMap<>();
    private Thread thread;
    private long peak;
    private long startNanos;
    private long startCpu;
    long nanos;
    long cpuNanos;
    /** Of {@link #cpuNanos}, the CPU of the threads that play the changefeed (sampled every 20 ms, so approximate). */
    long feedCpuNanos;
    /** CPU of the local database servers' processes (PostgreSQL, MariaDB) during the phase; -1 when unknown. */
    long serverCpuNanos = -1;

    /** CPU ticks of each local database server process seen: first and last sample. */
    private final java.util.Map<Integer, long[]> serverProcs = new java.util.HashMap<>();
    /** Processes that are not a database server's, not read again. */
    private final java.util.Set<Integer> otherProcs = new java.util.HashSet<>();
    private boolean serverUnknown;

    /**
     * Samples the CPU time of the local database servers' processes ({@code postgres}, {@code mariadbd},
     * {@code mysqld}) from {@code /proc} (Linux; 10 ms ticks): a backend that starts during the phase counts from
     * zero, one that ends counts up to its last sample (so at most 20 ms of it is missed).
     */
    private synchronized void sampleServers(boolean first) {
        String[] pids = new java.io.File("/proc").list();
        if (pids == null) {
            serverUnknown = true;
            return;
        }
        for (String name : pids) {
            if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
                continue;
            }
            int pid = Integer.parseInt(name);
            if (otherProcs.contains(pid)) {
                continue;
            }
            try {
                String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", name, "stat"));
                int close = stat.lastIndexOf(')');
                String comm = stat.substring(stat.indexOf('(') + 1, close);
                if (!comm.equals("postgres") && !comm.equals("mariadbd") && !comm.equals("mysqld")) {
                    otherProcs.add(pid);
                    continue;
                }
                String[] f = stat.substring(close + 2).split(" ");
                long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
                long[] seen = serverProcs.computeIfAbsent(pid, p -> new long[] {first ? ticks : 0, ticks});
                seen[1] = ticks;
            } catch (java.io.IOException | RuntimeException e) {
                // ended meanwhile
            }
        }
    }

    private synchronized long serverCpu() {
        if (serverUnknown) {
            return -1;
        }
        long ticks = 0;
        for (long[] seen : serverProcs.values()) {
            ticks += seen[1] - seen[0];
        }
        return ticks * 10_000_000L;
    }

    /**
     * Samples the CPU time of the threads that send (the benchmark's, named {@link #FEED_THREAD}…, the JDK HTTP
     * client's and the main thread, which generates and waits); a thread's time before the phase is not counted.
     */
    private synchronized void sampleFeed() {
        for (java.lang.management.ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            String name = info.getThreadName();
            if (name.startsWith(FEED_THREAD) || name.startsWith("HttpClient-") || name.equals("main")) {
                long cpu = THREADS.getThreadCpuTime(info.getThreadId());
                if (cpu >= 0) {
                    long[] seen = feedThreads.computeIfAbsent(info.getThreadId(),
                            id -> new long[] {running ? 0 : cpu, cpu});
                    seen[1] = cpu;
                }
            }
        }
    }

    private synchronized long feedCpu() {
        long sum = 0;
        for (long[] seen : feedThreads.values()) {
            sum += seen[1] - seen[0];
        }
        return sum;
    }

    static long cpu() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime();
        }
        return -1;
    }

    static long heapAfterGc() {
        long used = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                MemoryUsage u = pool.getCollectionUsage();
                if (u != null) {
                    used += u.getUsed();
                }
            }
        }
        return used;
    }

    Meter start() {
        System.gc();
        peak = heapAfterGc();
        sampleFeed(); // threads already there count from now
        sampleServers(true); // so do the database servers' processes
        running = true;
        thread = new Thread(() -> {
            while (running) {
                long h = heapAfterGc();
                synchronized (this) {
                    peak = Math.max(peak, h);
                }
                sampleFeed();
                sampleServers(false);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "bench-heap-sampler");
        thread.setDaemon(true);
        thread.start();
        startCpu = cpu();
        startNanos = System.nanoTime();
        return this;
    }

    /** Stops the clock (the heap sampler goes on until {@link #close}). */
    Meter stop() {
        nanos = System.nanoTime() - startNanos;
        cpuNanos = cpu() - startCpu;
        sampleServers(false);
        serverCpuNanos = serverCpu();
        sampleFeed();
        feedCpuNanos = feedCpu();
        return this;
    }

    long close() throws InterruptedException {
        running = false;
        if (thread != null) {
            thread.join();
        }
        synchronized (this) {
            peak = Math.max(peak, heapAfterGc());
            return peak;
        }
    }
}
