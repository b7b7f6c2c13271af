package dev.multimodal.usermanagement.api.openapi;

import dev.multimodal.usermanagement.api.audit.AuditRepresentations;
import dev.multimodal.usermanagement.api.auth.AuthRepresentations;
import dev.multimodal.usermanagement.api.tenants.TenantRepresentations;
import dev.multimodal.usermanagement.api.users.UserRepresentations;
import dev.multimodal.usermanagement.api.users.UserView;
import dev.multimodal.usermanagement.health.HealthReport;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the OpenAPI document says of each endpoint. The endpoints themselves are found in the JAX-RS classes, so
 * an endpoint missing here shows up in the document as undocumented (and fails the test that reads it).
 */
final class ApiCatalog {

    /** @param request body class or null; @param response body class, a List of it when {@code list}, or null for 204 */
    record Operation(
            String tag,
            String summary,
            boolean bearer,
            Class<?> request,
            Class<?> response,
            boolean list,
            int success,
            List<Integer> errors) {}

    static final Map<String, Operation> OPERATIONS = new LinkedHashMap<>();

    private static final List<Integer> BODY_ERRORS = List.of(400, 413, 415);

    static {
        add(
                "GET /health",
                "health",
                "Service health: database and cache",
                false,
                null,
                HealthReport.class,
                200,
                List.of(503));
        add("GET /openapi.json", "docs", "This document", false, null, null, 200, List.of());
        add("GET /docs", "docs", "Swagger UI for this document", false, null, null, 200, List.of());
        add("GET /docs/{file}", "docs", "Swagger UI's static files", false, null, null, 200, List.of(404));

        add(
                "POST /auth/register",
                "auth",
                "Sign up in the tenant of tenant_id, of the e-mail's domain, or of the path",
                false,
                AuthRepresentations.Register.class,
                UserView.class,
                201,
                with(BODY_ERRORS, 403, 409));
        add(
                "POST /auth/login",
                "auth",
                "Log in through the tenant's direct-grant flow; Keycloak's own tokens",
                false,
                AuthRepresentations.Login.class,
                AuthRepresentations.Tokens.class,
                200,
                with(BODY_ERRORS, 401, 403, 429));
        add(
                "POST /auth/refresh",
                "auth",
                "A new token pair for a refresh token of the API client",
                false,
                AuthRepresentations.Refresh.class,
                AuthRepresentations.Tokens.class,
                200,
                with(BODY_ERRORS, 401));
        add(
                "POST /auth/logout",
                "auth",
                "End the caller's session: its access and refresh tokens stop working",
                true,
                null,
                null,
                204,
                List.of(401));
        add(
                "POST /auth/change-password",
                "auth",
                "Replace an expired or temporary password without logging in",
                false,
                AuthRepresentations.ChangeExpiredPassword.class,
                null,
                204,
                with(BODY_ERRORS, 401));

        add("GET /users/me", "me", "The caller's profile", true, null, UserView.class, 200, List.of(401, 403));
        add(
                "PUT /users/me",
                "me",
                "Change first_name, last_name, preferences",
                true,
                UserRepresentations.UpdateMe.class,
                UserView.class,
                200,
                with(BODY_ERRORS, 401, 403));
        add(
                "POST /users/me/change-password",
                "me",
                "Change the password; ends the caller's other sessions",
                true,
                UserRepresentations.ChangePassword.class,
                null,
                204,
                with(BODY_ERRORS, 401, 403));
        add(
                "GET /users/me/sessions",
                "me",
                "The caller's sessions",
                true,
                null,
                UserRepresentations.SessionView.class,
                200,
                List.of(401));
        add(
                "DELETE /users/me/sessions/{id}",
                "me",
                "End one of the caller's sessions",
                true,
                null,
                null,
                204,
                List.of(401, 404));

        add(
                "GET /users",
                "users",
                "Users of the tenant: search, email and role filters, paged with a total",
                true,
                null,
                UserRepresentations.UserPage.class,
                200,
                List.of(400, 401, 403));
        add(
                "POST /users",
                "users",
                "Create a user with a role and a temporary password",
                true,
                UserRepresentations.CreateUser.class,
                UserView.class,
                201,
                with(BODY_ERRORS, 401, 403, 409));
        add(
                "POST /users/import",
                "users",
                "Import up to 1000 users of the old service with their bcrypt hashes; bad rows reported",
                true,
                UserRepresentations.ImportUsers.class,
                UserRepresentations.ImportResult.class,
                200,
                with(BODY_ERRORS, 401, 403, 429));
        add(
                "GET /users/{id}",
                "users",
                "One user, with the lockout state",
                true,
                null,
                UserRepresentations.AdminUserView.class,
                200,
                List.of(401, 403, 404));
        add(
                "PUT /users/{id}",
                "users",
                "Change a user; is_active false ends their sessions",
                true,
                UserRepresentations.UpdateUser.class,
                UserView.class,
                200,
                with(BODY_ERRORS, 401, 403, 404, 409));
        add("DELETE /users/{id}", "users", "Delete a user", true, null, null, 204, List.of(401, 403, 404));
        add(
                "PUT /users/{id}/roles",
                "users",
                "Set the user's roles (never above the caller's own)",
                true,
                UserRepresentations.SetRoles.class,
                UserView.class,
                200,
                with(BODY_ERRORS, 401, 403, 404));
        add(
                "GET /users/{id}/sessions",
                "users",
                "The user's sessions",
                true,
                null,
                UserRepresentations.SessionView.class,
                200,
                List.of(401, 403, 404));
        add(
                "DELETE /users/{id}/sessions",
                "users",
                "End all the user's sessions",
                true,
                null,
                null,
                204,
                List.of(401, 403, 404));
        add(
                "POST /users/{id}/reset-password",
                "users",
                "Set a temporary password the user must replace",
                true,
                UserRepresentations.ResetPassword.class,
                null,
                204,
                with(BODY_ERRORS, 401, 403, 404));
        add(
                "POST /users/{id}/unlock",
                "users",
                "End a lockout before its time",
                true,
                null,
                null,
                204,
                List.of(401, 403, 404, 503));

        add(
                "GET /tenants",
                "tenants",
                "Tenants, searchable and paged with a total (platform admins)",
                true,
                null,
                TenantRepresentations.TenantPage.class,
                200,
                List.of(400, 401, 403));
        add(
                "POST /tenants",
                "tenants",
                "Create a tenant (a realm from the template) and its first admin; all or nothing",
                true,
                TenantRepresentations.CreateTenant.class,
                TenantRepresentations.TenantView.class,
                201,
                with(BODY_ERRORS, 401, 403, 409));
        add(
                "GET /tenants/{id}",
                "tenants",
                "One tenant",
                true,
                null,
                TenantRepresentations.TenantView.class,
                200,
                List.of(401, 403, 404));
        add(
                "PUT /tenants/{id}",
                "tenants",
                "Change name, description, domain, is_active",
                true,
                TenantRepresentations.UpdateTenant.class,
                TenantRepresentations.TenantView.class,
                200,
                with(BODY_ERRORS, 401, 403, 404, 409));
        add(
                "DELETE /tenants/{id}",
                "tenants",
                "Disable the tenant; ?purge=true removes its realm for good",
                true,
                null,
                null,
                204,
                List.of(400, 401, 403, 404));
        add(
                "GET /tenants/{id}/settings",
                "tenants",
                "Sign-up, password policy, token lifetimes (tenant admins: their own)",
                true,
                null,
                TenantRepresentations.Settings.class,
                200,
                List.of(401, 403, 404));
        add(
                "PUT /tenants/{id}/settings",
                "tenants",
                "Change settings; absent fields stay",
                true,
                TenantRepresentations.Settings.class,
                TenantRepresentations.Settings.class,
                200,
                with(BODY_ERRORS, 401, 403, 404));

        add(
                "GET /audit",
                "audit",
                "The tenant's audit log, rows as soon as they commit (sealed: chained yet): filters user, type,"
                        + " outcome, client, ip, from, to; keyset pages by position (after) and limit",
                true,
                null,
                AuditRepresentations.AuditPage.class,
                200,
                List.of(400, 401, 403));
        add(
                "GET /audit/export",
                "audit",
                "The tenant's audit log streamed as NDJSON or CSV (format), same filters; at most 100,000 rows"
                        + " a call, then header X-Next-After is the next call's after",
                true,
                null,
                null,
                200,
                List.of(400, 401, 403, 429));
        add(
                "GET /audit/verify",
                "audit",
                "Check the tenant's hash chain incrementally (full=true: every row, platform admins);"
                        + " the first edited, inserted or deleted row, sealed and unsealed counts, and a rewrite that misses the"
                        + " signed checkpoints",
                true,
                null,
                AuditRepresentations.VerifyResult.class,
                200,
                List.of(400, 401, 403, 429));
        add(
                "GET /audit/checkpoints",
                "audit",
                "The latest signed checkpoints of the tenant's chain (signed notes) and the" + " verifier key",
                true,
                null,
                AuditRepresentations.Checkpoints.class,
                200,
                List.of(400, 401, 403));
        add(
                "POST /audit/purge",
                "audit",
                "Platform admins: remove the tenant's rows older than `before` now, as the retention purge does",
                true,
                null,
                AuditRepresentations.PurgeResult.class,
                200,
                List.of(400, 401, 403, 409));
    }

    private ApiCatalog() {}

    private static void add(
            String key,
            String tag,
            String summary,
            boolean bearer,
            Class<?> request,
            Class<?> response,
            int success,
            List<Integer> errors) {
        boolean list = key.endsWith("/sessions") && key.startsWith("GET");
        OPERATIONS.put(key, new Operation(tag, summary, bearer, request, response, list, success, errors));
    }

    private static List<Integer> with(List<Integer> base, Integer... more) {
        List<Integer> all = new java.util.ArrayList<>(base);
        all.addAll(List.of(more));
        return all;
    }
}
