package dev.lifeboat.storage.s3;

import dev.lifeboat.storage.StorageException;
import dev.lifeboat.storage.StorageException.Kind;
import dev.lifeboat.storage.s3.S3Errors.Action;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

import javax.net.ssl.SSLHandshakeException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;

import static org.assertj.core.api.Assertions.assertThat;

/** The mapping of S3's answers, including those the local server cannot give (redirects, throttling). */
class S3ErrorsTest {

    private static final S3Location AWS = new S3Location("prod-backups", "pg15", "us-east-1", null, false);
    private static final S3Location MINIO = new S3Location("prod-backups", "pg15", "us-east-1",
            URI.create("http://minio.local:9000"), true);

    private static S3Exception answer(int status, String code, String message, String... headers) {
        SdkHttpResponse.Builder http = SdkHttpResponse.builder().statusCode(status);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            http.putHeader(headers[i], headers[i + 1]);
        }
        return (S3Exception) S3Exception.builder().statusCode(status).message(message)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message)
                        .serviceName("S3").sdkHttpResponse(http.build()).build())
                .build();
    }

    private static StorageException map(Action action, SdkException e) {
        StorageException mapped = S3Errors.of(action, AWS, "wal/000000010000000000000007", e);
        assertThat(mapped.getMessage()).doesNotContain("\n");
        assertThat(mapped.location()).isEqualTo(AWS.describe());
        assertThat(mapped.key()).isEqualTo("wal/000000010000000000000007");
        assertThat(mapped.getCause()).isSameAs(e);
        return mapped;
    }

    @Test
    void noSuchKeyIsNotFound() {
        assertThat(map(Action.READ, answer(404, "NoSuchKey", "The specified key does not exist.")).kind())
                .isEqualTo(Kind.NOT_FOUND);
        assertThat(map(Action.STAT, answer(404, null, null)).kind()).isEqualTo(Kind.NOT_FOUND);
    }

    @Test
    void aMissingBucketIsPermanentAndNamed() {
        StorageException mapped = map(Action.READ, answer(404, "NoSuchBucket", "The specified bucket does not exist"));

        assertThat(mapped.kind()).isEqualTo(Kind.PERMANENT);
        assertThat(mapped.getMessage()).contains("bucket 'prod-backups' does not exist (region us-east-1)");
        assertThat(S3Errors.of(Action.READ, MINIO, "k", answer(404, "NoSuchBucket", "")).getMessage())
                .contains("bucket 'prod-backups' does not exist at http://minio.local:9000");
    }

    @Test
    void aBare404ToAnUploadMeansTheBucketIsMissing() {
        // After Expect: 100-continue the refusal has no body, so no code.
        StorageException mapped = map(Action.STORE, answer(404, null, null));

        assertThat(mapped.kind()).isEqualTo(Kind.PERMANENT);
        assertThat(mapped.getMessage()).contains("bucket 'prod-backups' does not exist");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"403, AccessDenied", "403, InvalidAccessKeyId", "403, SignatureDoesNotMatch", "403, ", "400, InvalidToken"})
    void refusedCredentialsArePermanentWithAHint(int status, String code) {
        StorageException mapped = map(Action.STORE, answer(status, code, "Access Denied"));

        assertThat(mapped.kind()).isEqualTo(Kind.PERMANENT);
        assertThat(mapped.getMessage()).contains("access denied").contains("check the credentials")
                .contains("'wal/000000010000000000000007'").contains(AWS.describe());
    }

    @Test
    void aRedirectNamesTheRegionTheServerGives() {
        StorageException mapped = map(Action.STAT, answer(301, null, null, "x-amz-bucket-region", "eu-central-1"));

        assertThat(mapped.kind()).isEqualTo(Kind.PERMANENT);
        assertThat(mapped.getMessage()).contains("bucket 'prod-backups' is in region eu-central-1: add region=eu-central-1 to the URI");
    }

    @Test
    void aMalformedAuthorizationNamesTheExpectedRegion() {
        StorageException mapped = map(Action.READ, answer(400, "AuthorizationHeaderMalformed",
                "The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'ap-southeast-2'"));

        assertThat(mapped.kind()).isEqualTo(Kind.PERMANENT);
        assertThat(mapped.getMessage()).contains("is in region ap-southeast-2");
    }

    @Test
    void aRedirectWithoutARegionStillSaysToSetOne() {
        StorageException mapped = map(Action.READ, answer(301, "PermanentRedirect",
                "The bucket you are attempting to access must be addressed using the specified endpoint."));

        assertThat(mapped.kind()).isEqualTo(Kind.PERMANENT);
        assertThat(mapped.getMessage()).contains("is not in region us-east-1").contains("set region= in the URI");
    }

    @Test
    void preconditionFailedIsAlreadyExists() {
        assertThat(map(Action.STORE, answer(412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold")).kind())
                .isEqualTo(Kind.ALREADY_EXISTS);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"503, SlowDown", "503, ServiceUnavailable", "500, InternalError", "502, ", "504, ", "429, ",
            "400, RequestTimeout", "409, ConditionalRequestConflict", "404, NoSuchUpload", "400, BadDigest"})
    void whatAMomentMayCureIsTransient(int status, String code) {
        assertThat(map(Action.STORE, answer(status, code, "try again")).kind()).isEqualTo(Kind.TRANSIENT);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"400, InvalidArgument", "400, EntityTooSmall", "501, NotImplemented", "400, RequestTimeTooSkewed",
            "403, InvalidObjectState", "400, ExpiredToken"})
    void answersAboutTheRequestArePermanent(int status, String code) {
        assertThat(map(Action.STORE, answer(status, code, "no")).kind()).isEqualTo(Kind.PERMANENT);
    }

    @Test
    void forbiddenAnswersThatAreNotAboutPermissionSayWhatTheyAre() {
        assertThat(map(Action.STORE, answer(403, "RequestTimeTooSkewed", "The difference between the request time and "
                + "the current time is too large.")).getMessage()).contains("clock").doesNotContain("access denied");
        assertThat(map(Action.READ, answer(403, "InvalidObjectState", "The operation is not valid for the object's "
                + "storage class")).getMessage()).contains("archived").doesNotContain("access denied");
    }

    @Test
    void aServerThatRejectsChecksumsGetsAHint() {
        StorageException mapped = map(Action.STORE, answer(400, "InvalidRequest", "x-amz-checksum-crc32 is not supported"));

        assertThat(mapped.getMessage()).contains("checksums=when-required");
    }

    @Test
    void networkFailuresAreTransient() {
        for (SdkException e : new SdkException[]{
                SdkClientException.create("Unable to execute HTTP request: Connection refused", new ConnectException("Connection refused")),
                SdkClientException.create("Unable to execute HTTP request: Read timed out", new SocketTimeoutException("Read timed out")),
                SdkClientException.create("Unable to execute HTTP request: minio.local", new UnknownHostException("minio.local")),
                ApiCallAttemptTimeoutException.create(2000),
                SdkClientException.create("Unable to unmarshall response")}) {
            assertThat(map(Action.READ, e).kind()).as(e.getMessage()).isEqualTo(Kind.TRANSIENT);
        }
        assertThat(map(Action.READ, SdkClientException.create("x", new ConnectException("Connection refused"))).getMessage())
                .endsWith(": ConnectException: Connection refused");
    }

    @Test
    void noCredentialsAtAllIsPermanent() {
        StorageException mapped = map(Action.LIST, SdkClientException.create(
                "Unable to load credentials from any of the providers in the chain AwsCredentialsProviderChain(...)"));

        assertThat(mapped.kind()).isEqualTo(Kind.PERMANENT);
        assertThat(mapped.getMessage()).contains("no credentials found").contains("AWS_PROFILE");
    }

    @Test
    void anUntrustedCertificateIsPermanent() {
        StorageException mapped = map(Action.READ, SdkClientException.create("Unable to execute HTTP request",
                new SSLHandshakeException("PKIX path building failed: unable to find valid certification path")));

        assertThat(mapped.kind()).isEqualTo(Kind.PERMANENT);
        assertThat(mapped.getMessage()).contains("TLS certificate is not trusted");
    }
}
