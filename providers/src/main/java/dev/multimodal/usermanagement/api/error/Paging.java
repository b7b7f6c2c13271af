package dev.multimodal.usermanagement.api.error;

/** {@code page} (from 1) and {@code page_size} (1 to 100, default 20) of every list. */
public record Paging(int page, int pageSize) {

    public static final int DEFAULT_SIZE = 20;
    public static final int MAX_SIZE = 100;

    public static Paging of(String page, String pageSize) {
        Validator validator = new Validator();
        int number = parse(page, 1, validator, "page", 1, 1_000_000);
        int size = parse(pageSize, DEFAULT_SIZE, validator, "page_size", 1, MAX_SIZE);
        validator.throwIfInvalid();
        return new Paging(number, size);
    }

    public int first() {
        return (page - 1) * pageSize;
    }

    private static int parse(String raw, int fallback, Validator validator, String field, int min, int max) {
        if (raw == null || raw.isEmpty()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(raw);
            validator.range(field, value, min, max);
            return value;
        } catch (NumberFormatException e) {
            validator.error(field, "must be a whole number between " + min + " and " + max);
            return fallback;
        }
    }
}
