package dev.failback.examples.cli;

import com.zaxxer.hikari.HikariDataSource;
import dev.failback.Failback;
import dev.failback.Hlc;
import dev.failback.core.admin.Checkpoints;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code failback checkpoint show|reset}: reads the checkpoints of a staging schema and moves one back
 * ({@link Checkpoints}), instead of editing the staging tables by hand. Needs the staging database's
 * credentials and nothing else; opens no network endpoint.
 */
@Command(name = "checkpoint", mixinStandardHelpOptions = true,
        description = "Show the checkpoints in a staging schema, or move one back (after a bad resolved timestamp,"
                + " or to apply a stretch again). Needs only the staging database's credentials.",
        subcommands = {CheckpointCommand.Show.class, CheckpointCommand.Reset.class})
final class CheckpointCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: show or reset");
    }

    /** The staging database and schema, as {@code failback start} takes them. */
    static final class Staging {
        @Option(names = "--stagingConn", paramLabel = "URL", converter = Secrets.class,
                description = "The staging database: failback start's --stagingConn, or its --targetConn when it has none."
                        + " Default: $" + Secrets.STAGING_CONN_ENV + ", else $" + Secrets.TARGET_CONN_ENV + ". " + Secrets.FORMS)
        String stagingConn;

        @Option(names = "--stagingSchema", paramLabel = "NAME", defaultValue = Failback.Builder.DEFAULT_STAGING_SCHEMA,
                description = "The staging schema. Default: ${DEFAULT-VALUE}.")
        String stagingSchema;

        /** Where the FAILBACK_* defaults come from; tests replace it. */
        Function<String, String> env = System::getenv;

        HikariDataSource open(CommandLine cl) {
            String conn = stagingConn;
            try {
                if (conn == null) {
                    conn = Secrets.fromEnv(Secrets.STAGING_CONN_ENV, env);
                }
                if (conn == null) {
                    conn = Secrets.fromEnv(Secrets.TARGET_CONN_ENV, env);
                }
            } catch (CommandLine.TypeConversionException e) {
                throw new ParameterException(cl, e.getMessage());
            }
            if (conn == null) {
                throw new ParameterException(cl, "Missing required option: '--stagingConn=URL' (or "
                        + Secrets.STAGING_CONN_ENV + " in the environment)");
            }
            try {
                ConnectionUrls.toJdbc(conn);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(cl, "--stagingConn: " + e.getMessage());
            }
            return Pools.open("failback-checkpoint", conn, 1);
        }
    }

    /** {@code failback checkpoint show}. */
    @Command(name = "show", mixinStandardHelpOptions = true, sortOptions = false,
            description = "List each group (target schema) with its resolved and applied timestamps and its lease.")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Staging staging = new Staging();

        @Option(names = "--group", paramLabel = "GROUP", description = "Show only this group (e.g. db.public).")
        String group;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (HikariDataSource ds = staging.open(spec.commandLine())) {
                List<Checkpoints.GroupCheckpoint> all = Checkpoints.of(ds, staging.stagingSchema).list();
                int shown = 0;
                for (Checkpoints.GroupCheckpoint g : all) {
                    if (group == null || group.equals(g.group())) {
                        print(out, g);
                        shown++;
                    }
                }
                if (shown == 0) {
                    spec.commandLine().getErr().println(group == null ? "no checkpoints in " + staging.stagingSchema
                            : "no checkpoint for group " + group + " in " + staging.stagingSchema);
                }
                out.flush();
                return group != null && shown == 0 ? 1 : 0;
            } catch (ParameterException e) {
                throw e;
            } catch (SQLException | RuntimeException e) {
                return failed(spec, e);
            }
        }

        private static void print(PrintWriter out, Checkpoints.GroupCheckpoint g) {
            out.println(g.group());
            out.println("  resolved " + describe(g.checkpoint().resolved()));
            out.println("  applied  " + describe(g.checkpoint().applied()));
            out.println("  lease    " + describe(g.lease()));
        }
    }

    /** {@code failback checkpoint reset}. */
    @Command(name = "reset", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Move a group's checkpoint back; refused while an instance holds the group's lease.",
                "Its resolved and applied timestamps become at most --to, and the target's fence of the group starts"
                        + " over from there at the next lease. Staged rows after --to are applied again; rows already"
                        + " retired from staging must be sent again by a changefeed with cursor = --to. Stop every"
                        + " Failback instance on the staging schema first."},
            footer = {"", "Example:",
                "  export FAILBACK_STAGING_CONN=file:/etc/failback/staging-url",
                "  failback checkpoint show",
                "  failback checkpoint reset --group migration_db.public \\",
                "      --to 2026-12-05T10:00:00Z"})
    static final class Reset implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Staging staging = new Staging();

        @Option(names = "--group", paramLabel = "GROUP", required = true,
                description = "The group, as checkpoint show names it (database.schema, a MySQL database, an Oracle SCHEMA).")
        String group;

        @Option(names = "--to", paramLabel = "HLC|TIME", required = true,
                description = "Where to move back to: an HLC (1733000000000000000.0000000001), wall nanoseconds, or a"
                        + " time (2026-12-05T10:00:00Z). Not in the future; a timestamp already earlier stays.")
        String to;

        @Option(names = "--force", description = "Reset even while an instance holds an unexpired lease on the group"
                + " (one killed moments ago); a running instance would write its checkpoint back.")
        boolean force;

        @Override
        public Integer call() {
            Hlc target;
            try {
                target = parseTarget(to);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--to: " + e.getMessage());
            }
            PrintWriter out = spec.commandLine().getOut();
            try (HikariDataSource ds = staging.open(spec.commandLine())) {
                Checkpoints.Reset r;
                try {
                    r = Checkpoints.of(ds, staging.stagingSchema).reset(group, target, force);
                } catch (IllegalArgumentException e) {
                    throw new ParameterException(spec.commandLine(), "--to: " + e.getMessage());
                }
                out.println((r.changed() ? "reset " : "checked ") + r.group() + " in " + staging.stagingSchema + ":");
                out.println("  resolved " + change(r.before().resolved(), r.after().resolved()));
                out.println("  applied  " + change(r.before().applied(), r.after().applied()));
                if (r.lease() != null && r.lease().live()) {
                    out.println("  forced past the live lease of " + r.lease().holder() + " (epoch " + r.lease().epoch()
                            + "): stop that instance, it keeps its checkpoint in memory");
                }
                if (r.versionsDeleted() > 0) {
                    out.println("  forgot " + r.versionsDeleted() + " key versions newer than " + target);
                }
                if (r.fenceRestarted()) {
                    out.println("  the target's fence of " + r.group() + " starts over from this checkpoint when an"
                            + " instance next takes the lease (it logs that the fence was left by another staging)");
                }
                out.println("  " + r.stagedAfter() + " staged rows after " + r.after().applied() + " will be applied;"
                        + " rows retired from staging must be sent again: failback changefeed ... --cursor "
                        + r.after().applied());
                out.flush();
                return 0;
            } catch (ParameterException e) {
                throw e;
            } catch (Checkpoints.LeaseHeldException e) {
                spec.commandLine().getErr().println("failback checkpoint reset: " + e.getMessage() + "; or pass --force"
                        + " if that instance is gone");
                return 1;
            } catch (SQLException | RuntimeException e) {
                return failed(spec, e);
            }
        }

        private static String change(Hlc before, Hlc after) {
            return before.equals(after) ? describe(after) + " (unchanged)" : describe(before) + " -> " + describe(after);
        }
    }

    /**
     * Parses {@code --to}: an HLC, wall nanoseconds, or an ISO-8601 time with an offset.
     *
     * @param text the value
     * @return the timestamp
     * @throws IllegalArgumentException when it is none of those
     */
    static Hlc parseTarget(String text) {
        String s = text.strip();
        if (s.indexOf('.') > 0 && s.chars().allMatch(c -> c == '.' || Character.isDigit(c))) {
            return Hlc.parse(s);
        }
        if (!s.isEmpty() && s.chars().allMatch(Character::isDigit)) {
            return new Hlc(Long.parseLong(s), 0);
        }
        try {
            Instant t = OffsetDateTime.parse(s).toInstant();
            return new Hlc(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L) + t.getNano(), 0);
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException("\"" + text + "\" is not an HLC (1733000000000000000.0000000001), wall"
                    + " nanoseconds or a time with an offset (2026-12-05T10:00:00Z)");
        }
    }

    static String describe(Hlc h) {
        if (h.equals(Hlc.ZERO)) {
            return h + " (none)";
        }
        Instant wall = Checkpoints.wallTime(h);
        return h + " (" + wall + (wall.isAfter(Instant.now()) ? ", in the future" : "") + ")";
    }

    static String describe(Checkpoints.Lease lease) {
        if (lease == null || lease.holder().isEmpty()) {
            return "none";
        }
        return (lease.live() ? "held by " : "expired, last held by ") + lease.holder() + " at epoch " + lease.epoch()
                + (lease.expires() == null ? "" : (lease.live() ? " until " : " since ") + lease.expires());
    }

    private static int failed(CommandSpec spec, Exception e) {
        String message = e.getMessage();
        if (e instanceof SQLException s) {
            message += " (SQLState " + s.getSQLState() + ")";
        }
        spec.commandLine().getErr().println("failback checkpoint " + spec.name() + ": " + message);
        return 1;
    }
}
