package dev.failback.userscript;

import com.caoccao.javet.swc4j.Swc4j;
import com.caoccao.javet.swc4j.enums.Swc4jMediaType;
import com.caoccao.javet.swc4j.enums.Swc4jModuleKind;
import com.caoccao.javet.swc4j.enums.Swc4jParseMode;
import com.caoccao.javet.swc4j.enums.Swc4jSourceMapOption;
import com.caoccao.javet.swc4j.options.Swc4jTranspileOptions;
import com.caoccao.javet.swc4j.outputs.Swc4jTranspileOutput;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a script file into CommonJS: TypeScript has its types stripped by SWC (never type-checked, as
 * MOLT does with esbuild); JavaScript that uses {@code import}/{@code export} has its module syntax
 * rewritten the same way; other JavaScript loads as written. Keeps a map from generated to original
 * lines, so that errors name the line of the file as written.
 */
final class Transpiler {
    private static final Pattern ESM = Pattern.compile("(?m)^\\s*(import\\s*[\\w*{\"']|export\\s)");
    private static final JsonFactory JSON = new JsonFactory();
    private static volatile Swc4j swc;

    /** The generated code and its line map (generated line, 1-based, to original line; 0 = unknown). */
    record Output(String code, int[] lines) {
        int original(int generatedLine) {
            if (lines == null) {
                return generatedLine;
            }
            for (int l = Math.min(generatedLine, lines.length - 1); l >= 1; l--) {
                if (lines[l] > 0) {
                    return lines[l];
                }
            }
            return generatedLine;
        }
    }

    private Transpiler() {
    }

    private static Swc4j swc() {
        Swc4j s = swc;
        if (s == null) {
            synchronized (Transpiler.class) {
                if (swc == null) {
                    swc = new Swc4j();
                }
                s = swc;
            }
        }
        return s;
    }

    static Output transpile(Path file, String displayName, String code) {
        String name = file.getFileName().toString();
        boolean ts = name.endsWith(".ts") || name.endsWith(".mts") || name.endsWith(".cts");
        if (!ts && !ESM.matcher(code).find()) {
            return new Output(code, null);
        }
        Swc4jTranspileOptions options = new Swc4jTranspileOptions()
                .setMediaType(ts ? Swc4jMediaType.TypeScript : Swc4jMediaType.JavaScript)
                .setParseMode(Swc4jParseMode.Module)
                .setModuleKind(Swc4jModuleKind.Cjs)
                .setSourceMap(Swc4jSourceMapOption.Separate)
                .setInlineSources(false)
                .setKeepComments(false);
        options.setSpecifier(toUrl(file));
        Swc4jTranspileOutput out;
        try {
            out = swc().transpile(code, options);
        } catch (Exception e) {
            throw new UserscriptException(displayName + syntaxLine(e.getMessage()) + ": syntax error: "
                    + clean(e.getMessage()), e);
        }
        return new Output(toCommonJs(out.getCode()), lineMap(out.getSourceMap()));
    }

    private static final String ID = "[A-Za-z_$][\\w$]*";
    private static final String MOD = "(\"[^\"]*\"|'[^']*')";
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(.+?)\\s+from\\s*" + MOD + "\\s*;?\\s*$");
    private static final Pattern IMPORT_BARE = Pattern.compile("^import\\s*" + MOD + "\\s*;?\\s*$");
    private static final Pattern EXPORT_DECL = Pattern.compile(
            "^export\\s+((?:const|let|var|class|function\\*?|async\\s+function\\*?)\\s*(" + ID + ").*)$");
    private static final Pattern EXPORT_DEFAULT_DECL = Pattern.compile(
            "^export\\s+default\\s+((?:class|function\\*?|async\\s+function\\*?)\\s*(" + ID + ")\\b.*)$");
    private static final Pattern EXPORT_DEFAULT = Pattern.compile("^export\\s+default\\s+(.*)$");
    private static final Pattern EXPORT_LIST_FROM = Pattern.compile("^export\\s*\\{([^}]*)\\}\\s*from\\s*" + MOD + "\\s*;?\\s*$");
    private static final Pattern EXPORT_STAR = Pattern.compile("^export\\s*\\*\\s*from\\s*" + MOD + "\\s*;?\\s*$");
    private static final Pattern EXPORT_STAR_AS = Pattern.compile("^export\\s*\\*\\s*as\\s+(" + ID + ")\\s+from\\s*" + MOD + "\\s*;?\\s*$");
    private static final Pattern EXPORT_LIST = Pattern.compile("^export\\s*\\{([^}]*)\\}\\s*;?\\s*$");

    /**
     * Rewrites the ES module statements of SWC's output (one top-level statement per line, at column 0) to
     * CommonJS, line for line. Named exports become getters (live bindings), defined before the module runs.
     * The module function receives {@code __fb}, the runtime's helpers {@code def} and {@code star}.
     */
    static String toCommonJs(String code) {
        String[] lines = code.split("\n", -1);
        StringBuilder getters = new StringBuilder("Object.defineProperty(exports, \"__esModule\", {value: true});");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (!line.startsWith("import") && !line.startsWith("export")) {
                continue;
            }
            Matcher m;
            if ((m = IMPORT_BARE.matcher(line)).matches()) {
                lines[i] = "require(" + m.group(1) + ");";
            } else if ((m = IMPORT.matcher(line)).matches()) {
                lines[i] = importClause(m.group(1).trim(), "require(" + m.group(2) + ")", i);
            } else if ((m = EXPORT_DEFAULT_DECL.matcher(line)).matches()) {
                // a named default function or class stays a declaration, so the module can use its name too
                lines[i] = m.group(1);
                getter(getters, "default", m.group(2));
            } else if ((m = EXPORT_DEFAULT.matcher(line)).matches()) {
                lines[i] = "exports.default = " + m.group(1);
            } else if ((m = EXPORT_DECL.matcher(line)).matches()) {
                lines[i] = m.group(1);
                getter(getters, m.group(2), m.group(2));
            } else if ((m = EXPORT_STAR_AS.matcher(line)).matches()) {
                lines[i] = "exports." + m.group(1) + " = require(" + m.group(2) + ");";
            } else if ((m = EXPORT_STAR.matcher(line)).matches()) {
                lines[i] = "__fb.star(exports, require(" + m.group(1) + "));";
            } else if ((m = EXPORT_LIST_FROM.matcher(line)).matches()) {
                StringBuilder b = new StringBuilder("(function (__m) {");
                for (String[] spec : specs(m.group(1))) {
                    b.append("Object.defineProperty(exports, \"").append(spec[1])
                            .append("\", {enumerable: true, get: () => __m.").append(spec[0]).append("});");
                }
                lines[i] = b.append("})(require(").append(m.group(2)).append("));").toString();
            } else if ((m = EXPORT_LIST.matcher(line)).matches()) {
                for (String[] spec : specs(m.group(1))) {
                    getter(getters, spec[1], spec[0]);
                }
                lines[i] = "";
            }
        }
        lines[0] = getters + lines[0];
        return String.join("\n", lines);
    }

    private static void getter(StringBuilder b, String exported, String local) {
        b.append("Object.defineProperty(exports, \"").append(exported)
                .append("\", {enumerable: true, get: () => ").append(local).append("});");
    }

    /** {@code a, b as c} → [[a, a], [b, c]]. */
    private static java.util.List<String[]> specs(String list) {
        java.util.List<String[]> out = new java.util.ArrayList<>();
        for (String part : list.split(",")) {
            String p = part.trim();
            if (p.isEmpty() || p.startsWith("type ")) {
                continue;
            }
            String[] ab = p.split("\\s+as\\s+");
            out.add(new String[] {ab[0].trim(), (ab.length > 1 ? ab[1] : ab[0]).trim()});
        }
        return out;
    }

    private static String importClause(String clause, String req, int line) {
        String tmp = "__fb_import" + line;
        String def = null;
        String rest = clause;
        if (!clause.startsWith("{") && !clause.startsWith("*")) {
            int comma = clause.indexOf(',');
            def = (comma < 0 ? clause : clause.substring(0, comma)).trim();
            rest = comma < 0 ? "" : clause.substring(comma + 1).trim();
        }
        StringBuilder b = new StringBuilder("const ").append(tmp).append(" = ").append(req).append(";");
        if (def != null) {
            b.append(" const ").append(def).append(" = __fb.def(").append(tmp).append(");");
        }
        if (rest.startsWith("*")) {
            b.append(" const ").append(rest.replaceFirst("^\\*\\s*as\\s+", "").trim()).append(" = ").append(tmp).append(";");
        } else if (rest.startsWith("{")) {
            StringBuilder d = new StringBuilder();
            for (String[] spec : specs(rest.substring(1, rest.lastIndexOf('}')))) {
                d.append(d.length() == 0 ? "" : ", ").append(spec[0]).append(spec[0].equals(spec[1]) ? "" : ": " + spec[1]);
            }
            if (d.length() > 0) {
                b.append(" const { ").append(d).append(" } = ").append(tmp).append(";");
            }
        }
        return b.toString();
    }

    private static java.net.URL toUrl(Path file) {
        try {
            return file.toAbsolutePath().toUri().toURL();
        } catch (java.net.MalformedURLException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static String syntaxLine(String message) {
        if (message == null) {
            return "";
        }
        java.util.regex.Matcher m = Pattern.compile("\\.[cm]?[jt]s:(\\d+):(\\d+)").matcher(message);
        return m.find() ? ":" + m.group(1) : "";
    }

    private static String clean(String message) {
        if (message == null) {
            return "(no message)";
        }
        return message.replaceAll("file://\\S*/", "").trim();
    }

    /** Decodes a source map's mappings into generated line → original line (both 1-based). */
    static int[] lineMap(String sourceMap) {
        if (sourceMap == null || sourceMap.isEmpty()) {
            return null;
        }
        String mappings = null;
        try (JsonParser p = JSON.createParser(sourceMap)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                p.nextToken();
                if ("mappings".equals(f)) {
                    mappings = p.getText();
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            return null;
        }
        if (mappings == null) {
            return null;
        }
        int genLines = 1;
        for (int i = 0; i < mappings.length(); i++) {
            if (mappings.charAt(i) == ';') {
                genLines++;
            }
        }
        int[] lines = new int[genLines + 1];
        Arrays.fill(lines, 0);
        int line = 1;
        int srcLine = 0;
        int[] field = new int[5];
        int i = 0;
        int n = mappings.length();
        boolean first = true;
        while (i < n) {
            char c = mappings.charAt(i);
            if (c == ';') {
                line++;
                first = true;
                i++;
                continue;
            }
            if (c == ',') {
                i++;
                continue;
            }
            int k = 0;
            while (i < n && mappings.charAt(i) != ',' && mappings.charAt(i) != ';') {
                int value = 0;
                int shift = 0;
                boolean more;
                do {
                    int digit = BASE64.indexOf(mappings.charAt(i++));
                    more = (digit & 32) != 0;
                    value |= (digit & 31) << shift;
                    shift += 5;
                } while (more && i < n);
                int v = (value & 1) != 0 ? -(value >>> 1) : value >>> 1;
                if (k < 5) {
                    field[k] = v;
                }
                k++;
            }
            if (k >= 4) {
                srcLine += field[2];
                if (first) {
                    lines[line] = srcLine + 1;
                    first = false;
                }
            }
        }
        return lines;
    }

    private static final String BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
}
