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
        return new Output(out.getCode(), lineMap(out.getSourceMap()));
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
