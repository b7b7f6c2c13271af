package dev.multimodal.usermanagement.api.openapi;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.multimodal.usermanagement.api.error.Problem;
import dev.multimodal.usermanagement.api.error.UnknownRoute;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OpenAPI 3.0 document of the API, built once from the JAX-RS classes (paths, methods, query parameters)
 * and the representation records (schemas), with summaries from {@link ApiCatalog}.
 */
public final class OpenApiDocument {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PATH_PARAM = Pattern.compile("\\{(\\w+)}");
    private static final String API_PREFIX = "v1";

    private OpenApiDocument() {}

    public static ObjectNode build(Class<?> apiRoot, String version) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("openapi", "3.0.3");
        ObjectNode info = doc.putObject("info");
        info.put("title", "user-management API");
        info.put("version", version);
        info.put(
                "description",
                "Multi-tenant user management on Keycloak. A tenant is a realm; tokens are Keycloak's own JWTs. "
                        + "Errors are RFC 9457 application/problem+json.");
        ObjectNode server = doc.putArray("servers").addObject();
        server.put("url", "/realms/{realm}/api/v1");
        server.putObject("variables")
                .putObject("realm")
                .put("default", "demo")
                .put("description", "the tenant (realm), or the platform realm");
        ObjectNode components = doc.putObject("components");
        components
                .putObject("securitySchemes")
                .putObject("bearer")
                .put("type", "http")
                .put("scheme", "bearer")
                .put("bearerFormat", "JWT");
        ObjectNode schemas = components.putObject("schemas");
        schemas.set(Problem.class.getSimpleName(), schema(Problem.class, schemas));

        Map<String, ObjectNode> paths = new TreeMap<>();
        walk(apiRoot, "", paths, schemas);
        ObjectNode pathsNode = doc.putObject("paths");
        paths.forEach(pathsNode::set);
        return doc;
    }

    private static void walk(Class<?> resource, String prefix, Map<String, ObjectNode> paths, ObjectNode schemas) {
        List<Method> methods = List.of(resource.getMethods()).stream()
                .sorted(Comparator.comparing(Method::getName))
                .toList();
        for (Method method : methods) {
            if (method.getReturnType() == UnknownRoute.class) {
                continue; // the 404 for paths the API does not have
            }
            Path path = method.getAnnotation(Path.class);
            String full = path == null ? prefix : join(prefix, path.value());
            String verb = verb(method);
            if (verb == null && path != null) {
                walk(method.getReturnType(), full, paths, schemas);
            } else if (verb != null) {
                String relative = full.startsWith(API_PREFIX) ? full.substring(API_PREFIX.length()) : full;
                relative = relative.isEmpty() ? "/" : relative;
                ObjectNode item = paths.computeIfAbsent(relative, key -> JSON.createObjectNode());
                item.set(verb.toLowerCase(), operation(verb + " " + relative, method, relative, schemas));
            }
        }
    }

    private static ObjectNode operation(String key, Method method, String path, ObjectNode schemas) {
        ObjectNode operation = JSON.createObjectNode();
        ApiCatalog.Operation described = ApiCatalog.OPERATIONS.get(key);
        operation.put("operationId", method.getDeclaringClass().getSimpleName() + "_" + method.getName());
        ArrayNode parameters = operation.putArray("parameters");
        Matcher names = PATH_PARAM.matcher(path);
        while (names.find()) {
            parameters
                    .addObject()
                    .put("name", names.group(1))
                    .put("in", "path")
                    .put("required", true)
                    .putObject("schema")
                    .put("type", "string");
        }
        for (Parameter parameter : method.getParameters()) {
            QueryParam query = parameter.getAnnotation(QueryParam.class);
            if (query != null) {
                parameters
                        .addObject()
                        .put("name", query.value())
                        .put("in", "query")
                        .put("required", false)
                        .putObject("schema")
                        .put("type", "string");
            }
        }
        if (described == null) {
            operation.put("summary", "UNDOCUMENTED");
            operation.put("x-undocumented", true);
            operation.putObject("responses").putObject("default").put("description", "undocumented");
            return operation;
        }
        operation.putArray("tags").add(described.tag());
        operation.put("summary", described.summary());
        if (described.bearer()) {
            operation.putArray("security").addObject().putArray("bearer");
        }
        if (described.request() != null) {
            ObjectNode body = operation.putObject("requestBody");
            body.put("required", true);
            body.putObject("content").putObject("application/json").set("schema", ref(described.request(), schemas));
        }
        ObjectNode responses = operation.putObject("responses");
        ObjectNode success = responses.putObject(String.valueOf(described.success()));
        success.put("description", described.success() == 204 ? "done" : "success");
        if (described.response() != null) {
            JsonNode schema = ref(described.response(), schemas);
            if (described.list()) {
                ObjectNode array = JSON.createObjectNode().put("type", "array");
                array.set("items", schema);
                schema = array;
            }
            success.putObject("content").putObject("application/json").set("schema", schema);
        }
        for (int status : described.errors()) {
            ObjectNode error = responses.putObject(String.valueOf(status));
            error.put("description", describeError(status));
            error.putObject("content").putObject(Problem.MEDIA_TYPE).set("schema", ref(Problem.class, schemas));
        }
        return operation;
    }

    private static String describeError(int status) {
        return switch (status) {
            case 400 -> "invalid input; errors names each field";
            case 401 -> "no valid bearer token, or invalid credentials";
            case 403 -> "not allowed for this caller";
            case 404 -> "not found (or not in the caller's tenant)";
            case 409 -> "conflict: it exists already";
            case 413 -> "body too large";
            case 415 -> "body is not application/json";
            case 429 -> "rate limited; see Retry-After";
            case 503 -> "a dependency is unavailable";
            default -> "error";
        };
    }

    private static ObjectNode ref(Class<?> type, ObjectNode schemas) {
        String name = type.getSimpleName();
        if (!schemas.has(name)) {
            schemas.putObject(name); // placeholder against cycles
            schemas.set(name, schema(type, schemas));
        }
        return JSON.createObjectNode().put("$ref", "#/components/schemas/" + name);
    }

    private static ObjectNode schema(Class<?> record, ObjectNode schemas) {
        ObjectNode schema = JSON.createObjectNode().put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        addProperties(record, properties, schemas);
        return schema;
    }

    private static void addProperties(Class<?> record, ObjectNode properties, ObjectNode schemas) {
        boolean snake = record.isAnnotationPresent(JsonNaming.class);
        for (RecordComponent component : record.getRecordComponents()) {
            if (component.isAnnotationPresent(JsonUnwrapped.class)
                    || component.getAccessor().isAnnotationPresent(JsonUnwrapped.class)
                    || fieldUnwrapped(record, component)) {
                addProperties(component.getType(), properties, schemas);
                continue;
            }
            String name = snake
                    ? PropertyNamingStrategies.SnakeCaseStrategy.INSTANCE.translate(component.getName())
                    : component.getName();
            properties.set(name, typeSchema(component.getGenericType(), schemas));
        }
    }

    private static boolean fieldUnwrapped(Class<?> record, RecordComponent component) {
        try {
            return record.getDeclaredField(component.getName()).isAnnotationPresent(JsonUnwrapped.class);
        } catch (NoSuchFieldException e) {
            return false;
        }
    }

    private static JsonNode typeSchema(Type type, ObjectNode schemas) {
        if (type instanceof ParameterizedType parameterized && parameterized.getRawType() == List.class) {
            ObjectNode array = JSON.createObjectNode().put("type", "array");
            array.set("items", typeSchema(parameterized.getActualTypeArguments()[0], schemas));
            return array;
        }
        Class<?> raw = (Class<?>) type;
        if (raw == String.class) {
            return JSON.createObjectNode().put("type", "string");
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return JSON.createObjectNode().put("type", "boolean");
        }
        if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class) {
            return JSON.createObjectNode().put("type", "integer");
        }
        if (raw.isRecord()) {
            return ref(raw, schemas);
        }
        return JSON.createObjectNode().put("type", "object"); // JsonNode and the like: free-form JSON
    }

    private static String verb(Method method) {
        if (method.isAnnotationPresent(GET.class)) {
            return "GET";
        }
        if (method.isAnnotationPresent(POST.class)) {
            return "POST";
        }
        if (method.isAnnotationPresent(PUT.class)) {
            return "PUT";
        }
        if (method.isAnnotationPresent(DELETE.class)) {
            return "DELETE";
        }
        return null;
    }

    private static String join(String prefix, String path) {
        String clean = path.startsWith("/") ? path.substring(1) : path;
        return prefix.isEmpty() ? clean : prefix + "/" + clean;
    }
}
