package dev.failback.core.it;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.failback.Failback;
import dev.failback.jetty.JettySink;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * A pipeline in a child JVM for {@link MemoryBudgetIT}: PostgreSQL target with staging in it, the
 * Jetty sink on an ephemeral port, every limit at its default (so {@code maxBytesInFlight} follows the
 * child's {@code -Xmx}). Prints {@code READY <port>}; for each line {@code STATS} read on stdin, prints
 * {@code STATS <max heap> <peak heap after a collection> <peak heap used>} (bytes): the peak after a
 * collection is what was alive, the peak used includes garbage not yet collected.
 */
public final class MemoryChild {

    private MemoryChild() {
    }

    /**
     * Runs until its stdin ends.
     *
     * @param args JDBC URL, staging schema
     * @throws Exception when it cannot start
     */
    public static void main(String[] args) throws Exception {
        AtomicLong peakLive = new AtomicLong();
        AtomicLong peakUsed = new AtomicLong();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener((n, handback) -> {
                if (!n.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                    return;
                }
                GarbageCollectionNotificationInfo info =
                        GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                long after = 0;
                long before = 0;
                for (MemoryUsage u : info.getGcInfo().getMemoryUsageAfterGc().values()) {
                    after += u.getUsed();
                }
                for (MemoryUsage u : info.getGcInfo().getMemoryUsageBeforeGc().values()) {
                    before += u.getUsed();
                }
                peakLive.accumulateAndGet(after, Math::max);
                peakUsed.accumulateAndGet(before, Math::max);
            }, null, null);
        }
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(args[0]);
        cfg.setMaximumPoolSize(8);
        HikariDataSource ds = new HikariDataSource(cfg);
        JettySink sink = JettySink.bind("127.0.0.1", 0);
        try (Failback failback = Failback.builder().disableAuthentication().name("memory").target(ds)
                .stagingSchema(args[1]).createStagingSchema(true).sink(sink).start()) {
            print("READY " + sink.port());
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                if (line.equals("STATS")) {
                    long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                    print("STATS " + Runtime.getRuntime().maxMemory() + " " + peakLive.get() + " "
                            + Math.max(used, peakUsed.get()));
                }
            }
            failback.awaitTermination(Duration.ofMillis(1));
        } finally {
            ds.close();
        }
    }

    private static void print(String line) {
        synchronized (System.out) {
            System.out.println(line);
            System.out.flush();
        }
    }
}
