package dev.multimodal.usermanagement.api.audit;

import dev.multimodal.usermanagement.audit.AuditRow;
import java.time.Instant;

/**
 * RFC 4180 CSV of audit rows. A cell starting with = + - @ tab or carriage return is prefixed with ' so spreadsheets
 * do not run it as a formula (OWASP "CSV injection").
 */
final class AuditCsv {

    static final String HEADER =
            "position,sequence,time,type,user_id,client_id,ip,target,session_id,outcome,error,details,prev_hash,hash,id\r\n";

    private static final String FORMULA_STARTS = "=+-@\t\r";

    private AuditCsv() {}

    static String line(AuditRow row) {
        StringBuilder out = new StringBuilder(256);
        out.append(row.position()).append(',');
        out.append(row.sequence() == null ? "" : row.sequence()).append(',');
        cell(out, Instant.ofEpochMilli(row.time()).toString()).append(',');
        cell(out, row.type()).append(',');
        cell(out, row.userId()).append(',');
        cell(out, row.clientId()).append(',');
        cell(out, row.ip()).append(',');
        cell(out, row.target()).append(',');
        cell(out, row.sessionId()).append(',');
        cell(out, row.outcome()).append(',');
        cell(out, row.error()).append(',');
        cell(out, row.details()).append(',');
        cell(out, row.prevHash()).append(',');
        cell(out, row.hash()).append(',');
        cell(out, row.id());
        return out.append("\r\n").toString();
    }

    static StringBuilder cell(StringBuilder out, String value) {
        if (value == null || value.isEmpty()) {
            return out;
        }
        String text = FORMULA_STARTS.indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        if (text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
            return out.append('"').append(text.replace("\"", "\"\"")).append('"');
        }
        return out.append(text);
    }
}
