package dev.multimodal.usermanagement.audit;

/**
 * One audit row as the chain sees it. Its {@link #canonical() canonical form} is what the hash covers:
 * every field in a fixed order, each length-prefixed (so no separator inside a value can make two different
 * rows look alike), a null distinct from an empty string.
 */
public record AuditRecord(
        String id,
        String realmId,
        long sequence,
        long time,
        String type,
        String userId,
        String clientId,
        String ip,
        String target,
        String sessionId,
        String outcome,
        String error,
        String details) {

    public static final String SUCCESS = "success";
    public static final String ERROR = "error";

    public String canonical() {
        StringBuilder out = new StringBuilder(256 + (details == null ? 0 : details.length()));
        out.append("um-audit-v1\n");
        field(out, id);
        field(out, realmId);
        field(out, Long.toString(sequence));
        field(out, Long.toString(time));
        field(out, type);
        field(out, userId);
        field(out, clientId);
        field(out, ip);
        field(out, target);
        field(out, sessionId);
        field(out, outcome);
        field(out, error);
        field(out, details);
        return out.toString();
    }

    private static void field(StringBuilder out, String value) {
        if (value == null) {
            out.append("-;");
        } else {
            out.append(value.length()).append(':').append(value).append(';');
        }
    }
}
