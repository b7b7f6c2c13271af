package dev.multimodal.usermanagement.api.error;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Collects every invalid field of a request, then refuses it once, naming them all. */
public final class Validator {

    private static final Pattern EMAIL = Pattern.compile("^[^@\\s\"<>()\\[\\],;:\\\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$");
    private static final Pattern DOMAIN = Pattern.compile("^(?=.{4,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$");
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

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
        } else if (value != null && CONTROL.matcher(value).find()) {
            error(field, "must not contain control characters");
        }
        return this;
    }

    public Validator email(String field, String value) {
        required(field, value, 254);
        if (value != null && !value.isBlank() && value.length() <= 254 && !EMAIL.matcher(value).matches()) {
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
