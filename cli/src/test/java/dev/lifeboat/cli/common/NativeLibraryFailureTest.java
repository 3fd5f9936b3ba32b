package dev.lifeboat.cli.common;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** zstd-jni's load failures, with the messages it really throws, as one line that says what to fix. */
class NativeLibraryFailureTest {

    @TempDir
    Path temp;

    @Test
    void aMissingTempDirectoryIsNamed() {
        Throwable failure = new ExceptionInInitializerError("Cannot unpack libzstd-jni-1.5.7-28: No such file or directory");
        LifeboatException e = NativeLibraryFailure.recognise(failure, temp.resolve("gone").toString()).orElseThrow();
        assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
        assertThat(e.getMessage()).isEqualTo("cannot load the zstd native library: the temporary directory " + temp.resolve("gone")
                + " does not exist");
        assertThat(e.hint()).contains("LIFEBOAT_JAVA_OPTS=-Djava.io.tmpdir=");
    }

    @Test
    void aLaterUseOfTheClassStillSaysWhyAndAFullDirectoryIsSaidToBeFull() {
        // The second use of a class whose loading failed: NoClassDefFoundError, the first failure as its cause.
        Throwable first = new ExceptionInInitializerError(
                "Exception java.lang.ExceptionInInitializerError: Cannot unpack libzstd-jni-1.5.7-28: No space left on device [in thread \"main\"]");
        Throwable later = new NoClassDefFoundError("Could not initialize class com.github.luben.zstd.Zstd");
        later.initCause(first);
        LifeboatException e = NativeLibraryFailure.recognise(new RuntimeException("pushing ahead", later), temp.toString()).orElseThrow();
        assertThat(e.getMessage()).isEqualTo("cannot load the zstd native library: the temporary directory " + temp + " is full");
    }

    @Test
    void aNoexecMountIsRecognisedFromTheLinkersWords() {
        Throwable failure = new UnsatisfiedLinkError(temp + "/libzstd-jni-1.5.7-281.so: " + temp
                + "/libzstd-jni-1.5.7-281.so: failed to map segment from shared object\nUnsupported OS/arch, cannot find ...");
        assertThat(NativeLibraryFailure.recognise(failure, temp.toString()).orElseThrow().getMessage())
                .isEqualTo("cannot load the zstd native library: the temporary directory " + temp
                        + " does not allow loading programs from it (mounted noexec?)");
    }

    @Test
    void otherErrorsAreNotBlamedOnZstd() {
        assertThat(NativeLibraryFailure.recognise(new NoClassDefFoundError("org/postgresql/Driver"), temp.toString())).isEmpty();
        assertThat(NativeLibraryFailure.recognise(new IllegalStateException("zstd frame damaged"), temp.toString())).isEmpty();
    }

    @Test
    void theCliReportsAnyErrorAsOneLineWithACode() {
        LifeboatException e = Failures.asLifeboatException(new OutOfMemoryError("Java heap space"));
        assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
        assertThat(e.getMessage()).contains("ran out of memory").doesNotContain("\n");
    }
}
