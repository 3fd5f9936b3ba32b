package dev.lifeboat.storage.s3;

import dev.lifeboat.storage.StorageException;
import dev.lifeboat.storage.StorageException.Kind;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the SDK's exceptions into {@link StorageException}s whose kind says what the caller may
 * do next, with a one-line message naming the store and the key, and a hint where the fix is
 * the operator's (credentials, region, bucket name).
 *
 * <p>The rule of thumb: anything the server or the network may answer differently in a moment
 * is TRANSIENT (5xx, throttling, timeouts, resets, unknown client-side failures); an answer about
 * the request itself is PERMANENT; only a clean "no such key" is NOT_FOUND, because a WAL fetch
 * ends recovery on NOT_FOUND.
 */
final class S3Errors {

    /** What the store was doing, for the message and for the meaning of a bare 404. */
    enum Action {
        STORE("store"), READ("read"), STAT("look up"), LIST("list"), DELETE("delete");

        final String verb;

        Action(String verb) {
            this.verb = verb;
        }
    }

    private static final Set<String> ACCESS_DENIED = Set.of("AccessDenied", "InvalidAccessKeyId",
            "SignatureDoesNotMatch", "AllAccessDisabled", "AccountProblem", "InvalidSecurity", "InvalidToken");
    private static final Set<String> WRONG_REGION = Set.of("PermanentRedirect", "AuthorizationHeaderMalformed",
            "IllegalLocationConstraintException", "Redirect", "TemporaryRedirect");
    private static final Set<String> TRANSIENT_CODES = Set.of("SlowDown", "Throttling", "ThrottlingException",
            "RequestTimeout", "RequestTimeoutException", "InternalError", "ServiceUnavailable", "OperationAborted",
            "ConditionalRequestConflict", "NoSuchUpload", "BadDigest", "XAmzContentSHA256Mismatch",
            "RequestLimitExceeded", "TooManyRequests");
    /** "the region 'us-east-1' is wrong; expecting 'eu-west-1'" (AuthorizationHeaderMalformed). */
    private static final Pattern EXPECTED_REGION = Pattern.compile("expecting '([a-z0-9-]+)'");
    private static final String CREDENTIALS_HINT = "check the credentials (AWS_ACCESS_KEY_ID and "
            + "AWS_SECRET_ACCESS_KEY, AWS_PROFILE or the instance role) and the bucket policy";

    private S3Errors() {
    }

    /** The failure of {@code action} on {@code key} (a blob key or list prefix) in the store at {@code location}. */
    static StorageException of(Action action, S3Location location, String key, SdkException e) {
        String start = "cannot " + action.verb + " '" + key + "' in " + location.describe() + ": ";
        if (e instanceof AwsServiceException service) {
            return ofService(action, location, key, start, service);
        }
        if (e instanceof ApiCallAttemptTimeoutException || e instanceof ApiCallTimeoutException) {
            return new StorageException(Kind.TRANSIENT, location.describe(), key,
                    start + "no complete answer in time (" + oneLine(e) + ")", e);
        }
        if (e instanceof SdkClientException && oneLine(e).startsWith("Unable to load credentials")) {
            return new StorageException(Kind.PERMANENT, location.describe(), key, start + "no credentials found: set "
                    + "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or run with an instance role", e);
        }
        Optional<SSLHandshakeException> tls = cause(e, SSLHandshakeException.class);
        if (tls.isPresent() && oneLine(tls.get()).contains("PKIX")) {
            return new StorageException(Kind.PERMANENT, location.describe(), key,
                    start + "the server's TLS certificate is not trusted (" + oneLine(tls.get()) + ")", e);
        }
        // Connection refused or reset, socket timeouts, unknown hosts, truncated answers: the
        // network may be back in a moment. An outage must never look like "not found".
        Throwable reason = cause(e, IOException.class).<Throwable>map(io -> io).orElse(e);
        String what = reason == e ? oneLine(e) : reason.getClass().getSimpleName() + ": " + oneLine(reason);
        return new StorageException(Kind.TRANSIENT, location.describe(), key, start + what, e);
    }

    private static StorageException ofService(Action action, S3Location location, String key, String start,
                                              AwsServiceException e) {
        int status = e.statusCode();
        AwsErrorDetails details = e.awsErrorDetails();
        String code = details == null || details.errorCode() == null ? "" : details.errorCode();
        String where = location.describe();
        String said = describe(status, code, details);

        if (status == 404 && (code.equals("NoSuchBucket") || code.isEmpty() && action == Action.STORE)) {
            // A PUT answers a bare 404 (no body after an Expect: 100-continue) only for a missing bucket.
            return new StorageException(Kind.PERMANENT, where, key,
                    start + "bucket '" + location.bucket() + "' does not exist" + at(location), e);
        }
        if (status == 404 && (code.equals("NoSuchKey") || code.isEmpty())) {
            return new StorageException(Kind.NOT_FOUND, where, key, "no blob '" + key + "' in " + where, e);
        }
        if (status == 412) {
            StorageException exists = StorageException.alreadyExists(where, key);
            return new StorageException(Kind.ALREADY_EXISTS, where, key, exists.getMessage(), e);
        }
        Optional<String> otherRegion = bucketRegion(e, code);
        if (otherRegion.isPresent() && !otherRegion.get().equals(location.region())) {
            return new StorageException(Kind.PERMANENT, where, key, start + "bucket '" + location.bucket()
                    + "' is in region " + otherRegion.get() + ": add region=" + otherRegion.get() + " to the URI", e);
        }
        if (WRONG_REGION.contains(code) || status == 301 || status == 307) {
            return new StorageException(Kind.PERMANENT, where, key, start + "bucket '" + location.bucket()
                    + "' is not in region " + location.region() + " (" + said + "): set region= in the URI", e);
        }
        if (code.equals("ExpiredToken") || code.equals("TokenRefreshRequired")) {
            return new StorageException(Kind.PERMANENT, where, key,
                    start + "the session credentials expired (" + said + "): " + CREDENTIALS_HINT, e);
        }
        if (code.equals("RequestTimeTooSkewed")) {
            return new StorageException(Kind.PERMANENT, where, key,
                    start + "this machine's clock is too far from the server's (" + said + "): fix the clock (NTP)", e);
        }
        if (code.equals("InvalidObjectState")) {
            return new StorageException(Kind.PERMANENT, where, key,
                    start + "the object is archived (" + said + "): restore it from its storage class first", e);
        }
        // After the codes above: S3 sends some of them with a 403 too, but they are not refusals.
        if (status == 403 || ACCESS_DENIED.contains(code)) {
            return new StorageException(Kind.PERMANENT, where, key,
                    start + "access denied (" + said + "): " + CREDENTIALS_HINT, e);
        }
        if (status == 501 || code.equals("NotImplemented")) {
            return new StorageException(Kind.PERMANENT, where, key,
                    start + "the server does not implement this request (" + said + ")", e);
        }
        if (status >= 500 || status == 429 || status == 408 || TRANSIENT_CODES.contains(code)
                || e.isThrottlingException()) {
            return new StorageException(Kind.TRANSIENT, where, key, start + said, e);
        }
        String hint = said.toLowerCase(Locale.ROOT).contains("checksum")
                ? ": if this server does not support S3's newer checksums, add checksums=when-required to the URI" : "";
        return new StorageException(Kind.PERMANENT, where, key, start + said + hint, e);
    }

    /** The region the server says the bucket is in, from the x-amz-bucket-region header or the message. */
    private static Optional<String> bucketRegion(AwsServiceException e, String code) {
        AwsErrorDetails details = e.awsErrorDetails();
        if (details != null && details.sdkHttpResponse() != null) {
            Optional<String> header = details.sdkHttpResponse().firstMatchingHeader("x-amz-bucket-region");
            if (header.isPresent() && (WRONG_REGION.contains(code) || e.statusCode() == 301 || e.statusCode() == 400)) {
                return header;
            }
        }
        if (code.equals("AuthorizationHeaderMalformed") && details != null && details.errorMessage() != null) {
            Matcher m = EXPECTED_REGION.matcher(details.errorMessage());
            if (m.find()) {
                return Optional.of(m.group(1));
            }
        }
        return Optional.empty();
    }

    /** "403 AccessDenied: Access Denied", or what there is of it. */
    private static String describe(int status, String code, AwsErrorDetails details) {
        String message = details == null || details.errorMessage() == null ? "" : oneLine(details.errorMessage());
        StringBuilder out = new StringBuilder("HTTP ").append(status);
        if (!code.isEmpty()) {
            out.append(' ').append(code);
        }
        if (!message.isEmpty() && !message.equals(code)) {
            out.append(": ").append(message);
        }
        return out.toString();
    }

    private static String at(S3Location location) {
        return location.endpoint() == null ? " (region " + location.region() + ")" : " at " + location.endpoint();
    }

    private static <T extends Throwable> Optional<T> cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return Optional.of(type.cast(t));
            }
        }
        return Optional.empty();
    }

    private static String oneLine(Throwable e) {
        return StorageException.oneLine(e);
    }

    private static String oneLine(String message) {
        return message.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }
}
