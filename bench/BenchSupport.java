package bench;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What every benchmark needs: logging, `--option value` parsing, and reading fields out of JSON answers. */
final class BenchSupport {

    private BenchSupport() {
    }

    static void log(String message) {
        System.out.println("[" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")) + "] " + message);
        System.out.flush();
    }

    /** {@code --name value} pairs, in order; anything else is a usage error. */
    static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: --option value ...; got " + Arrays.toString(args));
            }
            options.put(args[i].substring(2), args[++i]);
        }
        return options;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String jsonString(String json, String field) {
        return jsonField(json, field, "\"([^\"]*)\"");
    }

    static String jsonNumber(String json, String field) {
        return jsonField(json, field, "([0-9]+)");
    }

    private static String jsonField(String json, String field, String valuePattern) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(field) + "\"\\s*:\\s*" + valuePattern).matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no " + field + " in " + abbreviate(json));
        }
        return m.group(1);
    }

    static String abbreviate(String s) {
        return s == null ? "" : s.length() > 400 ? s.substring(0, 400) + "..." : s;
    }
}
