package dev.multimodal.usermanagement.api.error;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Reads request bodies ourselves rather than through JAX-RS, so a wrong content type, malformed JSON, an
 * unknown field or an oversized body each get a precise problem+json answer.
 */
public final class JsonBodies {

    /** Bodies above this are refused with 413 (bulk import has its own, larger limit). */
    public static final int MAX_BYTES = 64 * 1024;

    /** Strict: a field takes only its own JSON type ("5" is no number, 1 no boolean, 5.0 no integer, 5 no string). */
    private static final ObjectMapper MAPPER = strictMapper();

    private static ObjectMapper strictMapper() {
        JsonMapper mapper = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .build();
        for (CoercionInputShape shape : List.of(
                CoercionInputShape.String,
                CoercionInputShape.Integer,
                CoercionInputShape.Float,
                CoercionInputShape.Boolean,
                CoercionInputShape.EmptyString)) {
            mapper.coercionConfigDefaults().setCoercion(shape, CoercionAction.Fail);
        }
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        return mapper;
    }

    private JsonBodies() {}

    public static <T> T read(HttpHeaders headers, InputStream body, Class<T> type) {
        return read(headers, body, type, MAX_BYTES);
    }

    public static <T> T read(HttpHeaders headers, InputStream body, Class<T> type, int maxBytes) {
        if (!isUtf8Json(mediaType(headers))) {
            throw ApiProblem.unsupportedMediaType("Send the body as application/json in UTF-8.");
        }
        byte[] bytes;
        try {
            bytes = body.readNBytes(maxBytes + 1);
        } catch (IOException e) {
            throw ApiProblem.badRequest("The body could not be read.");
        }
        if (bytes.length > maxBytes) {
            throw ApiProblem.tooLarge("The body exceeds " + maxBytes + " bytes.");
        }
        if (bytes.length == 0) {
            throw ApiProblem.badRequest("A JSON body is required.");
        }
        return parse(bytes, type);
    }

    /** The body as {@code type}, or a problem naming what is wrong with it. */
    static <T> T parse(byte[] bytes, Class<T> type) {
        try {
            T value = MAPPER.readValue(bytes, type);
            if (value == null) {
                throw ApiProblem.badRequest("A JSON object is required.");
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            throw ApiProblem.invalid(path(e), "is not a known field");
        } catch (MismatchedInputException e) {
            String field = path(e);
            if (field.isEmpty()) {
                throw ApiProblem.badRequest("A JSON object is required.");
            }
            throw ApiProblem.invalid(field, "has the wrong type");
        } catch (JsonProcessingException e) {
            throw ApiProblem.badRequest("The body is not valid JSON.");
        } catch (IOException e) {
            throw ApiProblem.badRequest("The body could not be read.");
        }
    }

    /** The body's media type; null when absent or not a media type at all ("json", "a/b, c/d"). */
    static MediaType mediaType(HttpHeaders headers) {
        try {
            return headers.getMediaType();
        } catch (IllegalArgumentException unparsable) {
            return null;
        }
    }

    /** {@code application/json} or {@code application/*+json}, no wildcard, and no charset but UTF-8. */
    static boolean isUtf8Json(MediaType type) {
        if (type == null || !"application".equalsIgnoreCase(type.getType())) {
            return false;
        }
        String subtype = type.getSubtype().toLowerCase(Locale.ROOT);
        String charset = type.getParameters().get(MediaType.CHARSET_PARAMETER);
        return (subtype.equals("json") || (subtype.endsWith("+json") && subtype.length() > 5))
                && (charset == null || charset.equalsIgnoreCase("utf-8"));
    }

    private static String path(MismatchedInputException e) {
        List<String> names = e.getPath().stream()
                .map(reference ->
                        reference.getFieldName() != null ? reference.getFieldName() : "[" + reference.getIndex() + "]")
                .toList();
        return names.stream().collect(Collectors.joining(".")).replace(".[", "[");
    }
}
