package dev.lifeboat.core.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import dev.lifeboat.storage.BlobStore;
import dev.lifeboat.storage.StorageException;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * The one JSON mapping used for repository files and for --output json. Unknown fields are
 * ignored so that an older Lifeboat can still read what a newer one wrote (the format
 * number, not the field list, says when it cannot).
 */
public final class Json {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private Json() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * An advisory object (a job record, a run claim, a lock): its value, or empty when it is
     * gone (removed while the caller listed) or cannot be read as JSON of that type. A store
     * that fails is still an error.
     */
    public static <T> Optional<T> readIfPresent(BlobStore store, String key, Class<T> type) {
        try (InputStream in = store.get(key)) {
            return Optional.of(MAPPER.readValue(in, type));
        } catch (StorageException e) {
            if (e.isNotFound()) {
                return Optional.empty();
            }
            throw e;
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Why a file could not be read as JSON, in words for users: Jackson's own messages name its
     * classes and Java types ("Cannot deserialize value of type `long`..."), which mean nothing
     * to someone whose manifest is damaged. Any other I/O error keeps its message.
     */
    public static String problem(IOException e) {
        if (endsEarly(e)) {
            return "its JSON ends early (the file is truncated or empty)";
        }
        if (e instanceof MismatchedInputException m && !m.getPath().isEmpty()) {
            return "field '" + path(m.getPath()) + "' has a value of the wrong type";
        }
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            return "field '" + path(m.getPath()) + "' has a value that cannot be read";
        }
        if (e instanceof JsonProcessingException p) {
            JsonLocation at = p.getLocation();
            return "it is not valid JSON" + (at == null || at.getLineNr() < 1 ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")");
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** The input stopped mid-value (Jackson may wrap that in a mapping error of the field it was reading). */
    private static boolean endsEarly(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JsonEOFException || t instanceof MismatchedInputException m && m.getPath().isEmpty()
                    && String.valueOf(m.getOriginalMessage()).contains("end-of-input")) {
                return true;
            }
        }
        return false;
    }

    private static String path(List<JsonMappingException.Reference> references) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference r : references) {
            if (r.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                path.append('[').append(r.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}
