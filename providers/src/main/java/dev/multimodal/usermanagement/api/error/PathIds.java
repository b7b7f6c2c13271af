package dev.multimodal.usermanagement.api.error;

/** Ids from the path. One that no id can be (control bytes, non-ASCII, over-long) is a 404 before any look-up. */
public final class PathIds {

    private static final int MAX_LENGTH = 255;

    private PathIds() {}

    public static boolean isPlausible(String id) {
        return id != null
                && !id.isEmpty()
                && id.length() <= MAX_LENGTH
                && id.chars().allMatch(c -> c > 0x20 && c < 0x7f);
    }
}
