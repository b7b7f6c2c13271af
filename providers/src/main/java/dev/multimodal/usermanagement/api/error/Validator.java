package dev.multimodal.usermanagement.api.error;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Collects every invalid field of a request, then refuses it once, naming them all. */
public final class Validator {

    private static final Pattern EMAIL = Pattern.compile(
            "^[^@\\s\"<>()\\[\\],;:\\\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$");
    private static final Pattern DOMAIN = Pattern.compile(
            "^(?=.{4,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$");

    private final List<Problem.FieldError> errors = new ArrayList<>();

    public Validator required(String field, String value, int maxLength) {
        if (value == null || value.isBlank()) {
            return error(field, "is required");
        }
        return optional(field, value, maxLength);
    }

    public Validator optional(String field, String value, int maxLength) {
        if (value != null && value.length() > maxLength) {
            error(field, "must be at most " + maxLength + " characters");
        } else if (value != null && hasControlCharacter(value)) {
            error(field, "must not contain control characters, line or paragraph separators");
        }
        return this;
    }

    /**
     * Whether the text holds a character that can split a line or hide text: C0 and C1 controls (tab, CR, LF, U+0085),
     * U+2028 and U+2029, format characters such as bidi overrides and U+FEFF (but not the zero-width joiner and
     * non-joiner, which scripts and emoji need), and unpaired surrogates. Such text would split NDJSON and log lines.
     */
    public static boolean hasControlCharacter(String value) {
        return value.codePoints().anyMatch(c -> switch (Character.getType(c)) {
            case Character.CONTROL, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.SURROGATE ->
                true;
            case Character.FORMAT -> c != 0x200C && c != 0x200D;
            default -> false;
        });
    }

    public Validator email(String field, String value) {
        required(field, value, 254);
        if (value != null
                && !value.isBlank()
                && value.length() <= 254
                && !EMAIL.matcher(value).matches()) {
            error(field, "is not a valid e-mail address");
        }
        return this;
    }

    public Validator domain(String field, String value) {
        if (value != null && !DOMAIN.matcher(value).matches()) {
            error(field, "is not a valid lowercase domain name such as example.com");
        }
        return this;
    }

    public Validator range(String field, Integer value, int min, int max) {
        if (value != null && (value < min || value > max)) {
            error(field, "must be between " + min + " and " + max);
        }
        return this;
    }

    public Validator error(String field, String message) {
        errors.add(new Problem.FieldError(field, message));
        return this;
    }

    public java.util.Optional<Problem.FieldError> firstError() {
        return errors.stream().findFirst();
    }

    public boolean hasErrors() {
        return !errors.isEmpty();
    }

    public void throwIfInvalid() {
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors);
        }
    }

    public static boolean isEmail(String value) {
        return value != null && EMAIL.matcher(value).matches();
    }
}
