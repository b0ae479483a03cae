package dev.failback.userscript;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.SourceSection;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyExecutable;
import org.graalvm.polyglot.proxy.ProxyObject;

/**
 * One script's engine: a single polyglot context, entered by one thread at a time under a lock (MOLT
 * serializes its calls too), a CommonJS loader for the script's files, and a watchdog that interrupts a
 * call running past its time limit. After an interrupt the context stays in use.
 */
final class ScriptRuntime implements AutoCloseable {
    private static final String RUNTIME = "failback-userscript-runtime.js";
    private static final Pattern STACK_LOCATION = Pattern.compile("\\(?([^\\s()]+):(\\d+):(\\d+)\\)?\\s*$");

    final Path root;
    final String mainName;
    private final Duration limit;
    private final BiConsumer<String, String> console;
    private final Context context;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Transpiler.Output> sources = new HashMap<>();
    private final Map<Path, Value> modules = new HashMap<>();
    private final ScheduledExecutorService watchdog;
    private final Value rt;
    final Value schemaCall;
    final Value tableUpsert;
    final Value tableDelete;
    final Value tableWrite;
    private Watch watch;
    private boolean closed;

    ScriptRuntime(Path main, Duration limit, BiConsumer<String, String> console) {
        Path file = main.toAbsolutePath().normalize();
        this.root = file.getParent();
        this.mainName = file.getFileName().toString();
        this.limit = limit;
        this.console = console;
        if (!Files.isRegularFile(file)) {
            throw new UserscriptException(main + ": no such userscript file", null);
        }
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "userscript-watchdog-" + mainName);
            t.setDaemon(true);
            return t;
        });
        this.context = Context.newBuilder("js")
                .allowHostAccess(HostAccess.NONE)
                .option("engine.WarnInterpreterOnly", "false")
                .option("js.load", "false")
                .option("js.print", "false")
                .build();
        boolean ok = false;
        lock.lock();
        try {
            String code;
            try (InputStream in = ScriptRuntime.class.getResourceAsStream("runtime.js")) {
                code = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Value factory = context.eval(Source.newBuilder("js", code, RUNTIME).buildLiteral());
            rt = factory.execute(ProxyObject.fromMap(Map.of(
                    "log", (ProxyExecutable) a -> {
                        console.accept(a[0].asString(), a[1].asString());
                        return null;
                    },
                    "uuid", (ProxyExecutable) a -> java.util.UUID.randomUUID().toString())));
            context.getBindings("js").putMember("console", rt.getMember("console"));
            schemaCall = rt.getMember("schemaCall");
            tableUpsert = rt.getMember("tableUpsert");
            tableDelete = rt.getMember("tableDelete");
            tableWrite = rt.getMember("tableWrite");
            run("loading", () -> require(file));
            ok = true;
        } catch (IOException e) {
            throw new UserscriptException("cannot read the userscript runtime: " + e, e);
        } finally {
            lock.unlock();
            if (!ok) {
                close();
            }
        }
    }

    String listSchemas() {
        return call("listing", () -> rt.getMember("listSchemas").execute().asString());
    }

    String listTables() {
        return call("listing", () -> rt.getMember("listTables").execute().asString());
    }

    // ---- modules -------------------------------------------------------------------------------------------------

    private Value require(Path file) {
        Value cached = modules.get(file);
        if (cached != null) {
            return cached.getMember("exports");
        }
        String display = root.relativize(file).toString().replace('\\', '/');
        String code;
        try {
            code = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UserscriptException(display + ": no such file", e);
        } catch (IOException e) {
            throw new UserscriptException(display + ": cannot read: " + e.getMessage(), e);
        }
        Value module = context.eval("js", "({exports: {}})");
        modules.put(file, module);
        if (file.getFileName().toString().endsWith(".txt")) {
            module.getMember("exports").putMember("default", code);
            module.getMember("exports").putMember("__esModule", true);
            return module.getMember("exports");
        }
        Transpiler.Output out = Transpiler.transpile(file, display, code);
        sources.put(display, out);
        Source source = Source.newBuilder("js",
                "(function (exports, require, module, __filename, __dirname, __fb) {" + out.code() + "\n})", display)
                .buildLiteral();
        Value fn = context.eval(source);
        Path dir = file.getParent();
        ProxyExecutable req = a -> {
            String spec = a.length > 0 && a[0].isString() ? a[0].asString() : String.valueOf(a.length > 0 ? a[0] : null);
            Value builtin = rt.getMember("builtins").getMember(spec);
            if (builtin != null && !builtin.isNull()) {
                return builtin;
            }
            return require(resolve(display, dir, spec));
        };
        fn.execute(module.getMember("exports"), req, module, file.toString(), dir.toString(), rt.getMember("helpers"));
        return module.getMember("exports");
    }

    private Path resolve(String from, Path dir, String spec) {
        if (!spec.startsWith("./") && !spec.startsWith("../")) {
            throw new UserscriptException(from + ": cannot import \"" + spec + "\": only replicator@v2, replicator@v1,"
                    + " cdc-sink@v1 and relative paths (./file) are supported", null);
        }
        Path p = dir.resolve(spec).normalize();
        if (!p.startsWith(root)) {
            throw new UserscriptException(from + ": cannot import \"" + spec + "\": outside the script's directory " + root, null);
        }
        String name = p.getFileName().toString();
        if (Files.isRegularFile(p)) {
            return p;
        }
        if (!name.contains(".")) {
            for (String ext : new String[] {".ts", ".js"}) {
                Path q = p.resolveSibling(name + ext);
                if (Files.isRegularFile(q)) {
                    return q;
                }
            }
            Path index = p.resolve("index.ts");
            if (Files.isRegularFile(index)) {
                return index;
            }
            return p.resolveSibling(name + ".ts");
        }
        if (name.endsWith(".js")) {
            Path ts = p.resolveSibling(name.substring(0, name.length() - 3) + ".ts");
            if (Files.isRegularFile(ts)) {
                return ts;
            }
        }
        return p;
    }

    // ---- calls ---------------------------------------------------------------------------------------------------

    /** Runs a call into the script under the lock and the time limit; translates its failures. */
    <T> T call(String what, Callable<T> body) {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the userscript " + mainName + " is closed");
            }
            return run(what, body);
        } finally {
            lock.unlock();
        }
    }

    private <T> T run(String what, Callable<T> body) {
        Watch w = new Watch();
        watch = w;
        w.resume();
        try {
            return body.call();
        } catch (PolyglotException e) {
            throw translate(what, e, w);
        } catch (UserscriptException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new UserscriptException(mainName + ": " + what + ": " + e, e);
        } catch (Exception e) {
            throw new UserscriptException(mainName + ": " + what + ": " + e, e);
        } finally {
            w.stop();
            watch = null;
        }
    }

    /** Stops the clock while the host works (a statement of onWrite's): only the script's own time counts. */
    <T> T hostWork(Callable<T> body) throws Exception {
        Watch w = watch;
        if (w != null) {
            w.pause();
        }
        try {
            return body.call();
        } finally {
            if (w != null) {
                w.resume();
            }
        }
    }

    private UserscriptException translate(String what, PolyglotException e, Watch w) {
        if (e.isHostException()) {
            Throwable h = e.asHostException();
            if (h instanceof UserscriptException u) {
                String at = where(e);
                return new UserscriptException(at.equals(mainName) || u.getMessage().startsWith(at.split(":")[0] + ":")
                        ? u.getMessage() : at + ": " + u.getMessage(), u.getCause() != null ? u.getCause() : u);
            }
            return new UserscriptException(where(e) + ": " + what + ": " + h, h);
        }
        if ((e.isInterrupted() || e.isCancelled()) && w.fired) {
            return new UserscriptException(where(e) + ": " + what + " ran longer than its limit of " + text(limit)
                    + " and was interrupted", e);
        }
        if (e.isSyntaxError()) {
            return new UserscriptException(where(e) + ": syntax error: " + e.getMessage(), e);
        }
        return new UserscriptException(where(e) + ": " + what + ": " + e.getMessage(), e);
    }

    /** A rejected promise's error as an exception naming where it was thrown. */
    UserscriptException rejected(String what, Value error, Throwable hostCause) {
        String message;
        String at = mainName;
        try {
            message = error == null ? "undefined" : error.toString();
            if (error != null && error.hasMembers()) {
                Value stack = error.getMember("stack");
                if (stack != null && stack.isString()) {
                    String s = atFromStack(stack.asString());
                    if (s != null) {
                        at = s;
                    }
                }
            }
        } catch (PolyglotException e) {
            message = String.valueOf(e.getMessage());
        }
        return new UserscriptException(at + ": " + what + ": " + message, hostCause);
    }

    private String atFromStack(String stack) {
        for (String line : stack.split("\n")) {
            Matcher m = STACK_LOCATION.matcher(line.trim());
            if (m.find()) {
                Transpiler.Output o = sources.get(m.group(1));
                if (o != null) {
                    return m.group(1) + ":" + o.original(Integer.parseInt(m.group(2)));
                }
            }
        }
        return null;
    }

    /** The script file and line of an exception: its own location when in a script file, else the innermost script frame. */
    String where(PolyglotException e) {
        String at = at(e.getSourceLocation());
        if (at != null) {
            return at;
        }
        for (PolyglotException.StackFrame f : e.getPolyglotStackTrace()) {
            if (f.isGuestFrame()) {
                at = at(f.getSourceLocation());
                if (at != null) {
                    return at;
                }
            }
        }
        return mainName;
    }

    private String at(SourceSection s) {
        if (s == null || s.getSource() == null) {
            return null;
        }
        String name = s.getSource().getName();
        Transpiler.Output o = sources.get(name);
        if (o == null) {
            return null;
        }
        return name + ":" + o.original(s.getStartLine());
    }

    private static String text(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                watchdog.shutdownNow();
                context.close(true);
            }
        } finally {
            lock.unlock();
        }
    }

    /** The time limit of one call: runs while the script runs, paused while the host works. */
    private final class Watch {
        private long remaining = limit.toNanos();
        private long since;
        private ScheduledFuture<?> task;
        private boolean active = true;
        volatile boolean fired;

        synchronized void resume() {
            if (!active || remaining <= 0 && fired) {
                return;
            }
            since = System.nanoTime();
            task = watchdog.schedule(this::fire, Math.max(remaining, 0), TimeUnit.NANOSECONDS);
        }

        synchronized void pause() {
            if (task != null) {
                task.cancel(false);
                task = null;
                remaining -= System.nanoTime() - since;
            }
        }

        synchronized void stop() {
            pause();
            active = false;
        }

        private synchronized void fire() {
            if (!active || task == null) {
                return;
            }
            fired = true;
            try {
                context.interrupt(Duration.ofSeconds(2));
            } catch (TimeoutException | RuntimeException e) {
                // the thread is in host code; the script's next step is not interrupted
            }
        }
    }
}
