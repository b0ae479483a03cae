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
    private volatile boolean running;
    private Thread thread;
    private long peak;
    private long startNanos;
    private long startCpu;
    long nanos;
    long cpuNanos;

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
        running = true;
        thread = new Thread(() -> {
            while (running) {
                long h = heapAfterGc();
                synchronized (this) {
                    peak = Math.max(peak, h);
                }
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
