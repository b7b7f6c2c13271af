package dev.multimodal.usermanagement.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;

/** Every scenario: ours beside stock on one server, in one run; each adds its rows to the report. */
final class Scenarios {

    static final String DEMO = "demo";
    static final String LOCKOUT = "bench-lockout";
    static final String AUDIT_ON = "bench-audit-on";
    static final String AUDIT_OFF = "bench-audit-off";
    static final String MEMORY_REALM = "bench-memory";
    static final IntPredicate OK = s -> s == 200;
    static final IntPredicate CREATED = s -> s == 201;
    /** a refused login: 401 (ours, and our flow's answer), 400 invalid_grant (Keycloak's stock direct grant), 429 */
    static final IntPredicate REFUSED = s -> s == 400 || s == 401 || s == 429;

    private final Options options;
    private final Http http;
    private final Fixture fixture;
    private final Report report;
    private final Load.Plan plan;
    private final AtomicInteger counter = new AtomicInteger();

    Scenarios(Options options, Http http, Report report) {
        this.options = options;
        this.http = http;
        this.fixture = new Fixture(http);
        this.report = report;
        this.plan = options.plan();
    }

    private String url(String path) {
        return http.base() + path;
    }

    private Endpoint.Request form(String url, String body, int slot) {
        return new Endpoint.Request(url, "application/x-www-form-urlencoded", body, null, slot);
    }

    private Endpoint.Request json(String url, Object body, String bearer, int slot) {
        return new Endpoint.Request(url, "application/json", Http.json(body), bearer, slot);
    }

    private static String pick(List<String> names, AtomicInteger next) {
        return names.get(Math.floorMod(next.getAndIncrement(), names.size()));
    }

    private void compare(
            String scenario, String compares, Endpoint ours, Endpoint stock, Load.Plan plan, List<Goal> goals) {
        Side[] sides = Load.compare(scenario, ours, stock, plan);
        report.add(Row.compare(scenario, compares, sides[0], sides[1], goals));
        report.note(scenario + ": load average at its end " + Machine.loadText());
    }

    private Endpoint ourLogin(String realm, List<String> names, AtomicInteger next) {
        String api = url("/realms/" + realm + "/api/v1/auth/login");
        return Endpoint.post(
                "ours",
                OK,
                () -> json(api, Map.of("username", pick(names, next), "password", Fixture.PASSWORD), null, 0));
    }

    private Endpoint tokenLogin(
            String label,
            String realm,
            String client,
            List<String> names,
            AtomicInteger next,
            String password,
            IntPredicate served) {
        String token = url("/realms/" + realm + "/protocol/openid-connect/token");
        return Endpoint.post(
                label,
                served,
                () -> form(
                        token,
                        "grant_type=password&scope=openid&client_id=" + client + "&username="
                                + Http.enc(pick(names, next)) + "&password=" + password,
                        0));
    }

    private Endpoint tokenRefresh(String label, String realm, Tokens tokens) {
        String token = url("/realms/" + realm + "/protocol/openid-connect/token");
        return Endpoint.post(label, OK, () -> {
                    int slot = tokens.nextSlot();
                    return form(
                            token,
                            "grant_type=refresh_token&client_id=" + Fixture.API_CLIENT + "&refresh_token="
                                    + Http.enc(tokens.get(slot)),
                            slot);
                })
                .reading(tokens::keepRefreshToken);
    }

    private Endpoint userinfo(String label, String realm, Tokens access) {
        String u = url("/realms/" + realm + "/protocol/openid-connect/userinfo");
        return Endpoint.get(label, () -> {
            int slot = access.nextSlot();
            return new Endpoint.Request(u, null, null, access.get(slot), slot);
        });
    }

    /** Fresh tokens of each user (refresh or access) from the token endpoint. */
    private Tokens tokens(String realm, List<String> names, String field) {
        String[] t = new String[names.size()];
        Fixture.parallel(
                names.size(),
                i -> t[i] = fixture.passwordGrant(realm, Fixture.API_CLIENT, names.get(i))
                        .get(field)
                        .asText());
        return new Tokens(List.of(t));
    }

    // ---------------------------------------------------------------- API: login, refresh, /users/me, registration

    List<String> demoUsers;

    void seedDemo() {
        Bench.progress("seed: demo realm, lockout limits raised (" + fixture.raiseLimits(DEMO, false) + ")");
        demoUsers = fixture.users(DEMO, "bench-user", options.seedUsers(), "user");
        Bench.progress("seed: " + demoUsers.size() + " users in " + DEMO);
    }

    void login() {
        AtomicInteger next = new AtomicInteger();
        compare(
                "login",
                "POST /auth/login vs token endpoint (password)",
                ourLogin(DEMO, demoUsers, next),
                tokenLogin("stock", DEMO, Fixture.API_CLIENT, demoUsers, next, Fixture.PASSWORD, OK),
                plan,
                List.of(Goal.ratioAtLeast(0.95, "API")));
    }

    void refresh() {
        List<String> users = demoUsers.subList(0, Math.min(demoUsers.size(), 50));
        String[] ours = new String[users.size()];
        String api = url("/realms/" + DEMO + "/api/v1");
        Fixture.parallel(
                users.size(),
                i -> ours[i] = http.postJson(
                                api + "/auth/login",
                                Map.of("username", users.get(i), "password", Fixture.PASSWORD),
                                null)
                        .expect("our login", 200)
                        .json()
                        .get("refresh_token")
                        .asText());
        Tokens ourTokens = new Tokens(List.of(ours));
        Tokens stockTokens = tokens(DEMO, users, "refresh_token");
        Endpoint our = Endpoint.post("ours", OK, () -> {
                    int slot = ourTokens.nextSlot();
                    return json(api + "/auth/refresh", Map.of("refresh_token", ourTokens.get(slot)), null, slot);
                })
                .reading(ourTokens::keepRefreshToken);
        compare(
                "refresh",
                "POST /auth/refresh vs token endpoint (refresh_token)",
                our,
                tokenRefresh("stock", DEMO, stockTokens),
                plan,
                List.of(Goal.ratioAtLeast(0.95, "API")));
    }

    void me() {
        Tokens access = tokens(DEMO, demoUsers.subList(0, Math.min(demoUsers.size(), 50)), "access_token");
        String me = url("/realms/" + DEMO + "/api/v1/users/me");
        Endpoint our = Endpoint.get("ours", () -> {
            int slot = access.nextSlot();
            return new Endpoint.Request(me, null, null, access.get(slot), slot);
        });
        compare(
                "users/me",
                "GET /users/me vs userinfo (same tokens)",
                our,
                userinfo("stock", DEMO, access),
                plan,
                List.of(Goal.ratioAtLeast(1.0, "API")));
    }

    void registration() {
        String register = url("/realms/" + DEMO + "/api/v1/auth/register");
        String users = url("/admin/realms/" + DEMO + "/users");
        String run = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
        Endpoint our = Endpoint.post("ours", CREATED, () -> {
            String u = "reg-" + run + "-" + counter.incrementAndGet();
            return json(
                    register,
                    Map.of("email", u + "@bench.example.com", "username", u, "password", Fixture.PASSWORD),
                    null,
                    0);
        });
        Endpoint stock = Endpoint.postWithBearer("stock", CREATED, () -> {
            String u = "adm-" + run + "-" + counter.incrementAndGet();
            return json(
                    users,
                    Map.of(
                            "username",
                            u,
                            "email",
                            u + "@bench.example.com",
                            "enabled",
                            true,
                            "credentials",
                            List.of(Map.of("type", "password", "value", Fixture.PASSWORD, "temporary", false))),
                    http.admin(),
                    0);
        });
        compare("registration", "POST /auth/register vs admin REST user create", our, stock, plan, List.of());
    }

    // ---------------------------------------------------------------- lockout step, brute force, enumeration

    void lockout(boolean bruteForce) {
        fixture.tenant(LOCKOUT);
        String limits = fixture.raiseLimits(LOCKOUT, true);
        fixture.directGrantClient(LOCKOUT, "bench-with-step", fixture.flowId(LOCKOUT, Fixture.OUR_FLOW));
        fixture.directGrantClient(LOCKOUT, "bench-without-step", fixture.stockDirectGrant(LOCKOUT));
        List<String> users = fixture.users(LOCKOUT, "lock-user", Math.min(options.seedUsers(), 50), null);
        Bench.progress("seed: tenant " + LOCKOUT + ", clients bench-with-step / bench-without-step, " + users.size()
                + " users; " + limits);
        if (options.runs("lockout")) {
            AtomicInteger next = new AtomicInteger();
            compare(
                    "lockout step",
                    "token endpoint: direct grant with the step vs stock direct grant",
                    tokenLogin("ours", LOCKOUT, "bench-with-step", users, next, Fixture.PASSWORD, OK),
                    tokenLogin("stock", LOCKOUT, "bench-without-step", users, next, Fixture.PASSWORD, OK),
                    plan,
                    List.of(Goal.ratioAtLeast(0.98, "lockout")));
            compare(
                    "lockout step, 1 caller",
                    "the same, one request at a time (added latency)",
                    tokenLogin("ours", LOCKOUT, "bench-with-step", users, next, Fixture.PASSWORD, OK),
                    tokenLogin("stock", LOCKOUT, "bench-without-step", users, next, Fixture.PASSWORD, OK),
                    new Load.Plan(1, plan.warmupSeconds(), plan.rounds(), plan.seconds()),
                    List.of(new Goal(Goal.Kind.ADDED_P50_MS_AT_MOST, 1, "lockout")));
        }
        if (bruteForce) {
            List<String> targets = fixture.users(LOCKOUT, "brute-target", 5, null);
            AtomicInteger next = new AtomicInteger();
            compare(
                    "brute force",
                    "wrong passwords on 5 accounts: with the step (they lock) vs stock direct grant",
                    tokenLogin("ours", LOCKOUT, "bench-with-step", targets, next, "wrong-" + Fixture.PASSWORD, REFUSED),
                    tokenLogin(
                            "stock",
                            LOCKOUT,
                            "bench-without-step",
                            targets,
                            next,
                            "wrong-" + Fixture.PASSWORD,
                            REFUSED),
                    plan,
                    List.of());
        }
    }

    void enumeration() {
        AtomicInteger next = new AtomicInteger();
        String api = url("/realms/" + DEMO + "/api/v1/auth/login");
        List<String> unknown = demoUsers.stream().map(u -> "nobody-" + u).toList();
        IntPredicate unauthorized = s -> s == 401;
        Endpoint knownApi = Endpoint.post(
                "known",
                unauthorized,
                () -> json(
                        api,
                        Map.of("username", pick(demoUsers, next), "password", "wrong-" + Fixture.PASSWORD),
                        null,
                        0));
        Endpoint unknownApi = Endpoint.post(
                "unknown",
                unauthorized,
                () -> json(
                        api,
                        Map.of("username", pick(unknown, next), "password", "wrong-" + Fixture.PASSWORD),
                        null,
                        0));
        compare(
                "enumeration, API",
                "POST /auth/login: known user + wrong password vs unknown user",
                knownApi,
                unknownApi,
                plan,
                List.of(new Goal(Goal.Kind.P50_WITHIN, 0.10, "security")));
        compare(
                "enumeration, token",
                "token endpoint: known user + wrong password vs unknown user",
                tokenLogin(
                        "known", DEMO, Fixture.API_CLIENT, demoUsers, next, "wrong-" + Fixture.PASSWORD, unauthorized),
                tokenLogin(
                        "unknown", DEMO, Fixture.API_CLIENT, unknown, next, "wrong-" + Fixture.PASSWORD, unauthorized),
                plan,
                List.of(new Goal(Goal.Kind.P50_WITHIN, 0.10, "security")));
    }

    // ---------------------------------------------------------------- audit

    private List<String> auditTenant(String id, boolean audit, int users) {
        fixture.tenant(id);
        fixture.raiseLimits(id, false);
        List<String> listeners = new ArrayList<>();
        http.get("/admin/realms/" + id, http.admin())
                .expect("realm " + id, 200)
                .json()
                .path("eventsListeners")
                .forEach(l -> listeners.add(l.asText()));
        listeners.remove("audit");
        if (audit) {
            listeners.add("audit");
        }
        fixture.eventListeners(id, listeners);
        // Keycloak's own store would save the same events a second time, in the request (on both sides alike): off,
        // so "off" does no event work at all and the ratio is our listener's whole cost
        fixture.keycloakEventStore(id, false);
        return fixture.users(id, "audit-user", users, null);
    }

    void audit() {
        int users = Math.min(options.seedUsers(), 50);
        List<String> on = auditTenant(AUDIT_ON, true, users);
        List<String> off = auditTenant(AUDIT_OFF, false, users);
        Bench.progress("seed: tenants " + AUDIT_ON + " (listener audit) and " + AUDIT_OFF + " (without), " + on.size()
                + " users each");
        AtomicInteger next = new AtomicInteger();
        compare(
                "audit login",
                "token endpoint: audit listener on vs off (default saved types)",
                tokenLogin("on", AUDIT_ON, Fixture.API_CLIENT, on, next, Fixture.PASSWORD, OK),
                tokenLogin("off", AUDIT_OFF, Fixture.API_CLIENT, off, next, Fixture.PASSWORD, OK),
                plan,
                List.of(Goal.ratioAtLeast(0.95, "audit")));
        auditRefreshAndUserinfo(on, off, "default saved types", 0.95, 0.95);
        // every type saved, on both sides (the realms' settings differ only in the listener)
        Http.Answer all = fixture.tenantSetting(AUDIT_ON, "audit_event_types", fixture.allEventTypes());
        fixture.tenantSetting(AUDIT_OFF, "audit_event_types", fixture.allEventTypes());
        if (all.status() / 100 == 2) {
            auditRefreshAndUserinfo(on, off, "every event type saved", 0.85, 0.6);
        } else {
            String why = "n/a: this server has no tenant setting audit_event_types (" + all.status() + ")";
            report.add(Row.notAvailable(
                    "audit refresh, all types",
                    "audit on (every type saved) vs off",
                    List.of(Goal.ratioAtLeast(0.85, "audit")),
                    why));
            report.add(Row.notAvailable(
                    "audit userinfo, all types",
                    "audit on (every type saved) vs off",
                    List.of(Goal.ratioAtLeast(0.6, "audit")),
                    why));
        }
    }

    private void auditRefreshAndUserinfo(
            List<String> on, List<String> off, String types, double refreshGoal, double userinfoGoal) {
        String suffix = types.startsWith("default") ? "" : ", all types";
        compare(
                "audit refresh" + suffix,
                "token refresh: audit on vs off (" + types + ")",
                tokenRefresh("on", AUDIT_ON, tokens(AUDIT_ON, on, "refresh_token")),
                tokenRefresh("off", AUDIT_OFF, tokens(AUDIT_OFF, off, "refresh_token")),
                plan,
                List.of(Goal.ratioAtLeast(refreshGoal, "audit")));
        compare(
                "audit userinfo" + suffix,
                "userinfo: audit on vs off (" + types + ")",
                userinfo("on", AUDIT_ON, tokens(AUDIT_ON, on, "access_token")),
                userinfo("off", AUDIT_OFF, tokens(AUDIT_OFF, off, "access_token")),
                plan,
                List.of(Goal.ratioAtLeast(userinfoGoal, "audit")));
    }

    /** N writers (token refreshes, audited) in one realm vs N writers over N realms. */
    void writers() {
        int n = options.writers();
        List<String> realms = new ArrayList<>();
        List<Tokens> spread = new ArrayList<>();
        List<Object> allTypes = new ArrayList<>(fixture.allEventTypes());
        boolean typesSet = true;
        for (int i = 1; i <= n; i++) {
            String id = String.format(Locale.ROOT, "bench-writer-%02d", i);
            List<String> users = auditTenant(id, true, 1);
            typesSet &= fixture.tenantSetting(id, "audit_event_types", allTypes).status() / 100 == 2;
            realms.add(id);
            spread.add(tokens(id, users.subList(0, 1), "refresh_token"));
        }
        List<String> audited = auditTenant(AUDIT_ON, true, Math.max(n, Math.min(options.seedUsers(), 50)));
        List<String> one = audited.subList(0, Math.min(n, audited.size()));
        typesSet &=
                fixture.tenantSetting(AUDIT_ON, "audit_event_types", allTypes).status() / 100 == 2;
        Bench.progress("seed: " + n + " writer tenants"
                + (typesSet ? ", every event type saved" : " (no audit_event_types setting: default types)"));
        Tokens oneRealm = tokens(AUDIT_ON, one, "refresh_token");
        AtomicInteger next = new AtomicInteger();
        Endpoint spreadSide = Endpoint.post("spread", OK, () -> {
                    int r = Math.floorMod(next.getAndIncrement(), n);
                    Tokens t = spread.get(r);
                    return form(
                            url("/realms/" + realms.get(r) + "/protocol/openid-connect/token"),
                            "grant_type=refresh_token&client_id=" + Fixture.API_CLIENT + "&refresh_token="
                                    + Http.enc(t.get(0)),
                            r);
                })
                .reading((request, status, body) -> spread.get(request.slot())
                        .keepRefreshToken(new Endpoint.Request(request.url(), null, null, null, 0), status, body));
        compare(
                n + " writers",
                n + " refreshing writers in one realm vs one in each of " + n + " realms (audited"
                        + (typesSet ? ", every type saved)" : ")"),
                tokenRefresh("one realm", AUDIT_ON, oneRealm),
                spreadSide,
                new Load.Plan(n, plan.warmupSeconds(), plan.rounds(), plan.seconds()),
                List.of(Goal.ratioAtLeast(0.8, "audit")));
    }

    // ---------------------------------------------------------------- tenants: 0 .. N

    void tenants() throws IOException {
        String template = Files.readString(options.template()).trim();
        String api = "/realms/master/api/v1/tenants";
        String run = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
        List<Double> ours = new ArrayList<>();
        int created = 0;
        // issue 12's reference is tenant 10; a run with fewer steps compares with its first step above 0
        int reference = options.tenantSteps().stream()
                .filter(n -> n >= 10)
                .findFirst()
                .orElse(options.tenantSteps().stream()
                        .filter(n -> n > 0)
                        .findFirst()
                        .orElse(0));
        double createdAtReference = Double.NaN;
        int stockMade = 0;
        for (int step : options.tenantSteps()) {
            while (created < step) {
                int batch = Math.min(2, step - created);
                double[] ms = new double[batch];
                int first = created;
                Fixture.parallel(batch, i -> {
                    String id = "bt-" + run + "-" + (first + i + 1);
                    long t0 = System.nanoTime();
                    http.postJson(
                                    api,
                                    Map.of(
                                            "id",
                                            id,
                                            "name",
                                            "Tenant " + id,
                                            "admin_email",
                                            "admin@" + id + ".bench.test",
                                            "admin_username",
                                            "admin",
                                            "admin_password",
                                            "Bench-Admin-2026x"),
                                    http.admin())
                            .expect("create tenant " + id, 201);
                    ms[i] = (System.nanoTime() - t0) / 1e6;
                });
                for (double m : ms) {
                    ours.add(m);
                }
                created += batch;
                if (created % 50 == 0) {
                    Bench.progress("tenants: " + created + " created");
                }
            }
            double oursCreate =
                    step == 0 ? Double.NaN : Stats.median(ours.subList(Math.max(0, ours.size() - 10), ours.size()));
            if (step == reference) {
                createdAtReference = oursCreate;
            }
            List<Double> stock = new ArrayList<>();
            for (int i = 0; i < options.stockCreatesPerStep(); i++) {
                String realm = "bs-" + run + "-" + (++stockMade);
                String body =
                        "{\"realm\":\"" + realm + "\",\"displayName\":\"Stock " + realm + "\"," + template.substring(1);
                long t0 = System.nanoTime();
                http.send("POST", "/admin/realms", "application/json", body, http.admin())
                        .expect("stock realm " + realm, 201);
                stock.add((System.nanoTime() - t0) / 1e6);
            }
            double oursList = timedList(api + "?page_size=20");
            double stockList = timedList("/admin/realms?briefRepresentation=true");
            report.tenants(new TenantPoint(step, oursCreate, Stats.median(stock), oursList, stockList));
            Bench.progress(String.format(
                    Locale.ROOT,
                    "tenants at %d: create ours %.0f ms, stock %.0f ms; list ours %.1f ms, stock %.1f ms",
                    step,
                    oursCreate,
                    Stats.median(stock),
                    oursList,
                    stockList));
        }
        int last = options.tenantSteps().get(options.tenantSteps().size() - 1);
        TenantPoint end = report.tenantPoints().get(report.tenantPoints().size() - 1);
        report.add(Row.figures(
                "tenant create at " + last,
                "POST /tenants vs admin REST realm create (same template), ms",
                "ms",
                end.oursCreateMs(),
                end.stockCreateMs(),
                List.of(),
                "median of the last 10 of ours, of " + options.stockCreatesPerStep() + " stock"));
        report.add(Row.figures(
                "tenant create growth",
                "ours at tenant " + last + " vs ours at tenant " + reference + ", ms",
                "ms",
                end.oursCreateMs(),
                createdAtReference,
                List.of(new Goal(Goal.Kind.RATIO_AT_MOST, 2.0, "tenants")),
                "creation time stays flat (medians of the last 10 creations before each step)"));
        report.add(Row.figures(
                "tenant list at " + last,
                "GET /tenants?page_size=20 vs GET /admin/realms (brief), median ms",
                "ms",
                end.oursListMs(),
                end.stockListMs(),
                List.of(),
                options.listCalls() + " calls each"));
    }

    private double timedList(String path) {
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < options.listCalls(); i++) {
            long t0 = System.nanoTime();
            http.get(path, http.admin()).expect("list " + path, 200);
            double took = (System.nanoTime() - t0) / 1e6;
            ms.add(took);
            if (took > 60_000) {
                break;
            }
        }
        return Stats.median(ms);
    }

    // ---------------------------------------------------------------- memory

    /** A plain realm (stock Keycloak can make it), 20 users; RSS idle, then its peak under logins and userinfo. */
    Properties memory() {
        http.postJson("/admin/realms", Map.of("realm", MEMORY_REALM, "enabled", true), http.admin())
                .expect("realm " + MEMORY_REALM, 201, 409);
        fixture.directGrantClient(MEMORY_REALM, "bench-memory", null);
        List<String> users = fixture.users(MEMORY_REALM, "mem-user", 20, null);
        sleep(5000);
        double idle = Machine.rssMib(options.serverPid());
        double[] peak = {idle};
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak[0] = Math.max(peak[0], Machine.rssMib(options.serverPid()));
                sleep(250);
            }
        });
        sampler.setDaemon(true);
        sampler.start();
        AtomicInteger next = new AtomicInteger();
        int seconds = Math.max(2, plan.seconds() * 2);
        Load.single(
                "memory-login",
                tokenLogin("login", MEMORY_REALM, "bench-memory", users, next, Fixture.PASSWORD, OK),
                plan.users(),
                seconds);
        sampler.interrupt();
        Properties p = new Properties();
        p.setProperty("idle_mib", Double.toString(idle));
        p.setProperty("load_mib", Double.toString(peak[0]));
        Bench.progress(String.format(
                Locale.ROOT,
                "memory: RSS idle %.0f MiB, under load %.0f MiB (pid %d)",
                idle,
                peak[0],
                options.serverPid()));
        return p;
    }

    void memoryRows(Properties ours, Properties stock) {
        double oursIdle = Double.parseDouble(ours.getProperty("idle_mib", "NaN"));
        double oursLoad = Double.parseDouble(ours.getProperty("load_mib", "NaN"));
        double stockIdle = stock == null ? Double.NaN : Double.parseDouble(stock.getProperty("idle_mib", "NaN"));
        double stockLoad = stock == null ? Double.NaN : Double.parseDouble(stock.getProperty("load_mib", "NaN"));
        report.add(Row.figures(
                "memory idle",
                "RSS: ours vs the same Keycloak without our providers",
                "MiB",
                oursIdle,
                stockIdle,
                List.of(new Goal(Goal.Kind.ADDED_AT_MOST, 50, "issue 14")),
                stock == null ? "no stock server figures" : "after start and seeding a plain realm"));
        report.add(Row.figures(
                "memory under load",
                "peak RSS under password logins: ours vs stock Keycloak",
                "MiB",
                oursLoad,
                stockLoad,
                List.of(new Goal(Goal.Kind.RATIO_AT_MOST, 1.10, "issue 14")),
                stock == null ? "no stock server figures" : ""));
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
