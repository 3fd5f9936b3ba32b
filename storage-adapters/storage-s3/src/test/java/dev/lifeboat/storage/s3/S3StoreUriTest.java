package dev.lifeboat.storage.s3;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class S3StoreUriTest {

    private static S3StoreUri parse(String uri) {
        return S3StoreUri.parse(URI.create(uri));
    }

    @Test
    void aBareBucketIsAwsInTheDefaultRegionWithDefaultOptions() {
        S3StoreUri uri = parse("s3://backups");

        assertThat(uri.location()).isEqualTo(new S3Location("backups", "", "us-east-1", null, false));
        assertThat(uri.options()).isEqualTo(S3Options.DEFAULTS);
        assertThat(uri.location().describe()).isEqualTo("s3://backups (us-east-1)");
    }

    @Test
    void thePathIsTheKeyPrefixWithoutOuterSlashes() {
        assertThat(parse("s3://backups/prod/pg15").location().prefix()).isEqualTo("prod/pg15");
        assertThat(parse("s3://backups/prod/pg15/").location().prefix()).isEqualTo("prod/pg15");
        assertThat(parse("s3://backups/").location().prefix()).isEmpty();
        assertThat(parse("s3://backups/prod?region=eu-west-1").location().describe()).isEqualTo("s3://backups/prod (eu-west-1)");
    }

    @Test
    void keysMapUnderThePrefix() {
        S3Location location = parse("s3://backups/prod").location();

        assertThat(location.objectKey("wal/1")).isEqualTo("prod/wal/1");
        assertThat(location.blobKey("prod/wal/1")).isEqualTo("wal/1");
        assertThat(parse("s3://backups").location().objectKey("wal/1")).isEqualTo("wal/1");
    }

    @Test
    void everyOptionIsRead() {
        S3StoreUri uri = parse("s3://backups/prod?region=eu-west-1&endpoint=https://minio.example:9000/&path-style=false"
                + "&storage-class=standard_ia&sse=aws:kms&sse-kms-key-id=alias/lifeboat&timeout=45s&request-timeout=2m"
                + "&page-size=250&part-size=32MiB&checksums=when-required");

        assertThat(uri.location()).isEqualTo(new S3Location("backups", "prod", "eu-west-1",
                URI.create("https://minio.example:9000"), false));
        assertThat(uri.options()).isEqualTo(new S3Options("STANDARD_IA", "aws:kms", "alias/lifeboat",
                Duration.ofSeconds(45), Duration.ofMinutes(2), 250, 32 * 1024 * 1024, false));
        assertThat(uri.location().describe()).isEqualTo("s3://backups/prod (eu-west-1 at https://minio.example:9000)");
    }

    @Test
    void anEndpointMeansPathStyleUnlessSaidOtherwise() {
        assertThat(parse("s3://bkt/p?endpoint=http://127.0.0.1:9000").location().pathStyle()).isTrue();
        assertThat(parse("s3://bkt/p?endpoint=http://127.0.0.1:9000&path-style=false").location().pathStyle()).isFalse();
        assertThat(parse("s3://bkt/p?path-style=true").location().pathStyle()).isTrue();
    }

    @Test
    void anEncodedEndpointIsDecoded() {
        assertThat(parse("s3://bkt?endpoint=http%3A%2F%2F127.0.0.1%3A9000").location().endpoint())
                .isEqualTo(URI.create("http://127.0.0.1:9000"));
    }

    @Test
    void aKmsKeyAloneMeansKmsEncryption() {
        assertThat(parse("s3://bkt?sse-kms-key-id=arn:aws:kms:eu-west-1:111122223333:key/abcd").options().sse()).isEqualTo("aws:kms");
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({"30s, PT30S", "500ms, PT0.5S", "2m, PT2M", "1h, PT1H", "15, PT15S", "PT1M30S, PT1M30S"})
    void durationsHaveUnits(String text, String expected) {
        assertThat(S3StoreUri.duration("timeout", text)).isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({"16MiB, 16777216", "16M, 16777216", "16mb, 16777216", "5242880, 5242880", "1GiB, 1073741824", "8192K, 8388608"})
    void partSizesHaveUnits(String text, int expected) {
        assertThat(S3StoreUri.partSize(text)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "s3:///prefix                                  | missing or invalid bucket",
            "s3://bkt:9000/prefix                            | missing or invalid bucket",
            "s3://bkt/p?color=blue                           | unknown option 'color'",
            "s3://bkt/p?region=eu-west-1&region=us-east-1    | given twice",
            "s3://bkt/p?region=EU_WEST                       | invalid region",
            "s3://bkt/p?endpoint=ftp://host                  | endpoint must be an http",
            "s3://bkt/p?endpoint=http://host/?x=1            | must not have a query",
            "s3://bkt/p?path-style=maybe                     | path-style must be true or false",
            "s3://bkt/p?storage-class=cold%20storage         | invalid storage-class",
            "s3://bkt/p?sse=rot13                            | sse must be one of",
            "s3://bkt/p?sse=AES256&sse-kms-key-id=k          | sse-kms-key-id needs sse=aws:kms",
            "s3://bkt/p?timeout=soon                         | timeout must be a duration",
            "s3://bkt/p?timeout=0s                           | timeout must be positive",
            "s3://bkt/p?page-size=1001                       | page size must be 1 to 1000",
            "s3://bkt/p?page-size=ten                        | page-size must be a number",
            "s3://bkt/p?part-size=1MiB                       | part-size must be 5MiB to 1GiB",
            "s3://bkt/p?part-size=2GiB                       | part-size must be 5MiB to 1GiB",
            "s3://bkt/p?checksums=never                      | checksums must be",
            "s3://bkt/a/../b                                 | invalid key prefix",
            "s3://bkt/.tmp-x                                 | invalid key prefix",
            "s3://bkt/p#top                                  | no #fragment",
    })
    void badUrisAreRefusedNamingTheProblem(String uri, String problem) {
        assertThatThrownBy(() -> parse(uri)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(problem);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"s3://AKID:s3cr3t@bkt/p", "s3://bkt/p?aws-secret-access-key=s3cr3t", "s3://bkt/p?access_key=s3cr3t",
            "s3://bkt/p?session-token=s3cr3t", "s3://bkt/p?endpoint=https://AKID:s3cr3t@minio.example"})
    void credentialsInTheUriAreRefusedWithoutBeingRepeated(String uri) {
        assertThatThrownBy(() -> parse(uri)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("credentials are never read from the repository URI")
                .hasMessageNotContaining("s3cr3t");
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3:///x", "s3://bucket?region=", "s3://bucket/p?colour=red", "s3://bucket/p?endpoint=ftp://host"})
    void theProviderReportsAMalformedUriAsAnInvalidLocationNotAStoreFailure(String uri) {
        assertThatThrownBy(() -> new S3StoreProvider().open(URI.create(uri)))
                .isInstanceOf(dev.lifeboat.storage.InvalidStoreLocationException.class)
                .hasMessageStartingWith("invalid S3 store s3://");
    }

    @Test
    void aUriThatIsNoUriIsAnInvalidLocation() {
        assertThatThrownBy(() -> dev.lifeboat.storage.BlobStores.toUri("s3://"))
                .isInstanceOf(dev.lifeboat.storage.InvalidStoreLocationException.class)
                .hasMessageContaining("not a valid URI")
                .hasMessageContaining("s3://backups/prod?region=")
                .hasMessageNotContaining("index");
    }
}
