package dev.multimodal.usermanagement.api.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.multimodal.usermanagement.api.auth.AdminActions;
import dev.multimodal.usermanagement.api.auth.BearerAuth;
import dev.multimodal.usermanagement.api.auth.Caller;
import dev.multimodal.usermanagement.api.error.ApiProblem;
import dev.multimodal.usermanagement.api.error.Endpoint;
import dev.multimodal.usermanagement.api.error.Paging;
import dev.multimodal.usermanagement.api.error.Validator;
import dev.multimodal.usermanagement.api.limits.HeavyCalls;
import dev.multimodal.usermanagement.audit.AuditCheckpoints;
import dev.multimodal.usermanagement.audit.AuditEventListenerProviderFactory;
import dev.multimodal.usermanagement.audit.AuditLog;
import dev.multimodal.usermanagement.audit.AuditLogLine;
import dev.multimodal.usermanagement.audit.AuditPurge;
import dev.multimodal.usermanagement.audit.AuditRow;
import jakarta.persistence.EntityManager;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.events.admin.OperationType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * {@code /audit}: the tenant's audit log for its admins (permission {@code audit:read}) and for platform admins
 * (any tenant, by the path). Filtered keyset pages, a streaming export, the chain verification and its signed
 * checkpoints.
 */
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> OUTCOMES = Set.of("success", "error");
    private static final String AUDIT_READ = "audit:read";
    /** Rows per export call; beyond them the answer's {@value #NEXT_AFTER} header is the {@code after} of the next call. */
    static final int MAX_EXPORT_ROWS = 100_000;

    static final String NEXT_AFTER = "X-Next-After";

    private final KeycloakSession session;
    private final BearerAuth auth;

    public AuditResource(KeycloakSession session, BearerAuth auth) {
        this.session = session;
        this.auth = auth;
    }

    @GET
    public Response list(
            @QueryParam("user") String user,
            @QueryParam("type") String type,
            @QueryParam("outcome") String outcome,
            @QueryParam("client") String client,
            @QueryParam("ip") String ip,
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("after") String after,
            @QueryParam("limit") String limit) {
        return Endpoint.run(session, () -> {
            String realmId = authorize();
            Validator validator = new Validator();
            AuditLog.Filter filter = filter(validator, user, type, outcome, client, ip, from, to);
            long afterSequence = number(validator, "after", after, 0, 0, Long.MAX_VALUE);
            int size = (int) number(validator, "limit", limit, Paging.DEFAULT_SIZE, 1, Paging.MAX_SIZE);
            validator.throwIfInvalid();
            List<AuditRow> rows = new AuditLog(session).page(realmId, filter, afterSequence, null, size);
            Long next = rows.size() == size ? rows.get(rows.size() - 1).position() : null;
            return Response.ok(new AuditRepresentations.AuditPage(
                            rows.stream()
                                    .map(AuditRepresentations.AuditView::of)
                                    .toList(),
                            next,
                            size))
                    .build();
        });
    }

    /**
     * Incremental by default (see {@link AuditLog#verify}); {@code full=true} walks every row from the checkpoint, for
     * platform admins only (its cost grows with the log).
     */
    @GET
    @Path("verify")
    public Response verify(@QueryParam("full") String full) {
        return Endpoint.run(session, () -> {
            Caller caller = reader();
            boolean walkAll = "true".equals(full);
            if (full != null && !walkAll && !"false".equals(full)) {
                throw ApiProblem.invalid("full", "must be true or false");
            }
            if (walkAll && !caller.platformAdmin()) {
                throw ApiProblem.forbidden(
                        "A full verification is for platform admins; the incremental one is the default.");
            }
            String realmId = caller.tenant().getId();
            try (HeavyCalls.Permit permit = HeavyCalls.acquire(session, realmId)) {
                return Response.ok(AuditRepresentations.VerifyResult.of(new AuditLog(session).verify(realmId, walkAll)))
                        .build();
            }
        });
    }

    /**
     * The realm's latest signed checkpoints (newest first) and the verifier key: what an auditor keeps or compares
     * with the copies in the log store. Same readers as the log.
     */
    @GET
    @Path("checkpoints")
    public Response checkpoints(@QueryParam("limit") String limit) {
        return Endpoint.run(session, () -> {
            String realmId = authorize();
            Validator validator = new Validator();
            int size = (int) number(validator, "limit", limit, Paging.DEFAULT_SIZE, 1, Paging.MAX_SIZE);
            validator.throwIfInvalid();
            EntityManager em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
            List<AuditRepresentations.SignedCheckpoint> items = AuditCheckpoints.latest(em, realmId, size).stream()
                    .map(AuditRepresentations.SignedCheckpoint::of)
                    .toList();
            String key = AuditEventListenerProviderFactory.of(session)
                    .checkpoints()
                    .key()
                    .verifierKey();
            return Response.ok(new AuditRepresentations.Checkpoints(key, items)).build();
        });
    }

    /**
     * Runs the retention purge for this tenant now, with a cut-off of one's choosing ({@code before}, ISO-8601 or epoch
     * ms): platform admins only, since it removes evidence. The same code as the scheduled purge.
     */
    @POST
    @Path("purge")
    public Response purge(@QueryParam("before") String before) {
        return Endpoint.run(session, () -> {
            Caller caller = auth.authenticateForTenant();
            if (!caller.platformAdmin()) {
                throw ApiProblem.forbidden("Purging the audit log is for platform admins.");
            }
            Validator validator = new Validator();
            Long cutoff = time(validator, "before", before);
            if (cutoff == null && !validator.hasErrors()) {
                validator.error("before", "is required: an ISO-8601 instant or epoch milliseconds");
            } else if (cutoff != null && cutoff > System.currentTimeMillis()) {
                validator.error("before", "must not be in the future");
            }
            validator.throwIfInvalid();
            AuditPurge.Result result;
            try {
                result = new AuditPurge(session.getKeycloakSessionFactory())
                        .purge(caller.tenant().getId(), cutoff, caller.user().getId(), "api");
            } catch (AuditPurge.Stopped e) {
                throw ApiProblem.conflict("The purge stopped: " + e.getMessage());
            }
            // the tenant's chain has its AUDIT_PURGED row; the platform realm's log says who purged what
            AdminActions.in(session, caller, caller.realm())
                    .detail("before", Long.toString(cutoff))
                    .detail("purged", Long.toString(result.purged()))
                    .record(
                            OperationType.DELETE,
                            AdminActions.AUDIT_LOG,
                            null,
                            "tenants",
                            caller.tenant().getName(),
                            "audit");
            return Response.ok(AuditRepresentations.PurgeResult.of(result)).build();
        });
    }

    @GET
    @Path("export")
    @Produces({"application/x-ndjson", "text/csv", MediaType.APPLICATION_JSON})
    public Response export(
            @QueryParam("format") String format,
            @QueryParam("user") String user,
            @QueryParam("type") String type,
            @QueryParam("outcome") String outcome,
            @QueryParam("client") String client,
            @QueryParam("ip") String ip,
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("after") String after) {
        return Endpoint.run(session, () -> {
            String realmId = authorize();
            Validator validator = new Validator();
            String chosen = format == null || format.isBlank() ? "ndjson" : format.toLowerCase(Locale.ROOT);
            if (!chosen.equals("ndjson") && !chosen.equals("csv")) {
                validator.error("format", "must be ndjson or csv");
            }
            AuditLog.Filter filter = filter(validator, user, type, outcome, client, ip, from, to);
            long afterSequence = number(validator, "after", after, 0, 0, Long.MAX_VALUE);
            validator.throwIfInvalid();
            boolean csv = chosen.equals("csv");
            KeycloakSessionFactory factory = session.getKeycloakSessionFactory();
            HeavyCalls.Permit permit = HeavyCalls.acquire(session, realmId);
            try {
                // at most MAX_EXPORT_ROWS rows a call: where they end is known before the first byte, so it is a header
                Optional<Long> cut = new AuditLog(session).cutAfter(realmId, filter, afterSequence, MAX_EXPORT_ROWS);
                // Written after this method returns, in a session and transaction of its own, a keyset page at a time;
                // the permit goes back when the last byte is written or the client has gone.
                StreamingOutput body = output -> {
                    try (permit) {
                        write(output, csv, factory, realmId, filter, afterSequence, cut.orElse(null));
                    }
                };
                Response.ResponseBuilder response = Response.ok(
                                body, csv ? "text/csv; charset=utf-8" : "application/x-ndjson")
                        .header("Content-Disposition", "attachment; filename=\"audit." + chosen + "\"");
                cut.ifPresent(last -> response.header(NEXT_AFTER, last));
                return response.build();
            } catch (RuntimeException e) {
                permit.close();
                throw e;
            }
        });
    }

    private static void write(
            OutputStream output,
            boolean csv,
            KeycloakSessionFactory factory,
            String realmId,
            AuditLog.Filter filter,
            long after,
            Long upTo)
            throws IOException {
        Writer writer = new BufferedWriter(new OutputStreamWriter(output, StandardCharsets.UTF_8));
        if (csv) {
            writer.write(AuditCsv.HEADER);
        }
        try {
            KeycloakModelUtils.runJobInTransaction(
                    factory,
                    reading -> new AuditLog(reading).forEach(realmId, filter, after, upTo, row -> {
                        try {
                            if (csv) {
                                writer.write(AuditCsv.line(row));
                            } else {
                                writer.write(AuditLogLine.lineSafe(
                                        JSON.writeValueAsString(AuditRepresentations.AuditView.of(row))));
                                writer.write('\n');
                            }
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        writer.flush();
    }

    /** The path realm's id, once the caller may read its log (on the platform realm: platform admins, its own log). */
    private String authorize() {
        return reader().tenant().getId();
    }

    /** The caller, once it may read the path realm's log. */
    private Caller reader() {
        Caller caller = auth.authenticate();
        if (!caller.has(AUDIT_READ)) {
            throw ApiProblem.forbidden("Reading the audit log needs the audit:read permission.");
        }
        return caller;
    }

    private static AuditLog.Filter filter(
            Validator validator,
            String user,
            String type,
            String outcome,
            String client,
            String ip,
            String from,
            String to) {
        validator
                .optional("user", user, 255)
                .optional("type", type, 255)
                .optional("client", client, 255)
                .optional("ip", ip, 255);
        if (outcome != null && !OUTCOMES.contains(outcome)) {
            validator.error("outcome", "must be success or error");
        }
        Long fromMillis = time(validator, "from", from);
        Long toMillis = time(validator, "to", to);
        return new AuditLog.Filter(
                blank(user), blank(type), blank(outcome), blank(client), blank(ip), fromMillis, toMillis);
    }

    private static String blank(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    /** An ISO-8601 instant ({@code 2026-11-25T10:00:00Z}) or epoch milliseconds. */
    private static Long time(Validator validator, String field, String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            return raw.chars().allMatch(Character::isDigit)
                    ? Long.parseLong(raw)
                    : Instant.parse(raw).toEpochMilli();
        } catch (NumberFormatException | DateTimeParseException e) {
            validator.error(field, "must be an ISO-8601 instant such as 2026-11-25T10:00:00Z or epoch milliseconds");
            return null;
        }
    }

    private static long number(Validator validator, String field, String raw, long fallback, long min, long max) {
        if (raw == null || raw.isEmpty()) {
            return fallback;
        }
        try {
            long value = Long.parseLong(raw);
            if (value < min || value > max) {
                validator.error(field, "must be between " + min + " and " + max);
                return fallback;
            }
            return value;
        } catch (NumberFormatException e) {
            validator.error(field, "must be a whole number");
            return fallback;
        }
    }
}
