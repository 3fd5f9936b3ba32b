package dev.lifeboat.storage;

import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;

class StoreLocationTextTest {

    @Test
    void userInfoAndQueryAreLeftOutWhereACredentialCouldHide() {
        assertThat(StoreLocationText.withoutCredentials("s3://AKID:s3cr3t@bucket/prefix?region=eu-west-1"))
                .isEqualTo("s3://bucket/prefix");
        assertThat(StoreLocationText.withoutCredentials("s3://bucket/prefix?secret-key=s3cr3t#frag")).isEqualTo("s3://bucket/prefix");
        assertThat(StoreLocationText.withoutCredentials(URI.create("file://user:s3cr3t@host/srv/repo"))).isEqualTo("file://host/srv/repo");
    }

    @Test
    void textThatIsNoValidUriLosesThemToo() {
        assertThat(StoreLocationText.withoutCredentials("s3://AKID:s3 cr3t@bucket/a b?secret=s3 cr3t")).isEqualTo("s3://bucket/a b");
        assertThat(StoreLocationText.withoutCredentials("s3://AKID:s3cr3t@")).isEqualTo("s3://");
    }

    @Test
    void plainPathsAndPlainUrisAreShownAsTheyAre() {
        assertThat(StoreLocationText.withoutCredentials("/srv/lifeboat/repo")).isEqualTo("/srv/lifeboat/repo");
        assertThat(StoreLocationText.withoutCredentials("relative/repo@2")).isEqualTo("relative/repo@2");
        assertThat(StoreLocationText.withoutCredentials("s3://bucket/prefix")).isEqualTo("s3://bucket/prefix");
    }
}
