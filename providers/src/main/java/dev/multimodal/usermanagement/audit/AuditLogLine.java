package dev.multimodal.usermanagement.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jboss.logging.Logger;

/**
 * Each sealed audit row as one log line (written by the sealer, right after the row is chained), and each signed
 * checkpoint, in category {@code dev.multimodal.usermanagement.audit}: a JSON object
 * (so it ships as one field of Keycloak's JSON log output, or as is in plain output). Details are the row's, already
 * without secrets.
 */
public final class AuditLogLine {

    public static final String CATEGORY = "dev.multimodal.usermanagement.audit";
    private static final Logger LOG = Logger.getLogger(CATEGORY);
    private static final ObjectMapper JSON = new ObjectMapper();

    private AuditLogLine() {}

    public static void log(AuditEntity row) {
        if (LOG.isInfoEnabled()) {
            LOG.info(json(row));
        }
    }

    public static String json(AuditEntity row) {
        ObjectNode line = JSON.createObjectNode();
        line.put("audit", row.getType());
        line.put("id", row.getId());
        line.put("realm_id", row.getRealmId());
        line.put("position", row.getPosition());
        line.put("sequence", row.getSequence());
        line.put("time", row.getTime());
        line.put("user_id", row.getUserId());
        line.put("client_id", row.getClientId());
        line.put("ip", row.getIp());
        line.put("target", row.getTarget());
        line.put("session_id", row.getSessionId());
        line.put("outcome", row.getOutcome());
        line.put("error", row.getError());
        try {
            line.set("details", row.getDetails() == null ? null : JSON.readTree(row.getDetails()));
        } catch (Exception e) {
            line.putNull("details");
        }
        line.put("prev_hash", row.getPrevHash());
        line.put("hash", row.getHash());
        return lineSafe(line.toString());
    }

    /** A signed checkpoint, note included: kept by an off-host log store, it anchors the chain outside the database. */
    public static void checkpoint(AuditCheckpointEntity checkpoint) {
        ObjectNode line = JSON.createObjectNode();
        line.put("audit_checkpoint", checkpoint.getRealmId());
        line.put("sequence", checkpoint.getSequence());
        line.put("hash", checkpoint.getHash());
        line.put("time", checkpoint.getCreatedAt());
        line.put("note", checkpoint.getNote());
        LOG.info(line.toString());
    }

    /**
     * JSON with U+2028, U+2029 and U+0085 escaped: valid JSON either way (they can only be inside strings), but some
     * readers split lines on them. The API refuses them in input; Keycloak's own events may still carry them.
     */
    public static String lineSafe(String json) {
        return json.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace("\u0085", "\\u0085");
    }
}
