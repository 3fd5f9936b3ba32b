package dev.lifeboat.core.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Damaged segments, made by seeded random cuts and corruptions of the real samples: the scanner
 * must end every time, with a summary or a {@link WalFormatException} and nothing else.
 */
class WalRecordScannerRobustnessTest {

    private static final int CASES = 120;
    private static byte[][] samples;
    private static Lsn[] starts;

    @BeforeAll
    static void loadSamples() throws IOException {
        samples = new byte[][] {WalSamples.bytes(WalSamples.FIRST), WalSamples.bytes(WalSamples.SECOND)};
        starts = new Lsn[] {WalSegmentName.parse(WalSamples.FIRST).startLsn(),
                WalSegmentName.parse(WalSamples.SECOND).startLsn()};
    }

    static Stream<Integer> seeds() {
        return IntStream.range(0, CASES).boxed();
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void aDamagedSegmentEndsTheScanCleanly(int seed) {
        Random random = new Random(seed);
        int sample = seed % samples.length;
        byte[] damaged = damage(samples[sample], random);

        WalSegmentSummary summary = scanWithin(damaged, starts[sample]);

        if (summary != null) {
            Lsn segmentStart = starts[sample];
            assertThat(summary.end()).isNotNull();
            assertThat(summary.endDetail()).isNotBlank();
            if (summary.lastRecordEnd().isValid()) {
                assertThat(summary.lastRecordEnd()).isBetween(segmentStart, segmentStart.plus(16 << 20));
            }
        }
    }

    @Test
    void randomBytesBehindAValidHeaderEndTheScan() {
        byte[] segment = Arrays.copyOf(samples[0], samples[0].length);
        Random random = new Random(42);
        for (int page = 0; page < 64; page++) {
            byte[] noise = new byte[8192 - (page == 0 ? 40 : 0)];
            random.nextBytes(noise);
            System.arraycopy(noise, 0, segment, page * 8192 + (page == 0 ? 40 : 0), noise.length);
        }

        WalSegmentSummary summary = scanWithin(segment, starts[0]);

        assertThat(summary).isNotNull();
        assertThat(summary.recordCount()).isZero();
    }

    @Test
    void anEmptyInputIsNoSegment() {
        assertThat(scanWithin(new byte[0], starts[0])).isNull();
    }

    /** Cuts, flips, zeroes or scrambles parts of a copy; half of the damage lands in the first pages. */
    private static byte[] damage(byte[] original, Random random) {
        int limit = random.nextBoolean() ? 256 * 1024 : original.length;
        return switch (random.nextInt(5)) {
            case 0 -> Arrays.copyOf(original, random.nextInt(limit));
            case 1 -> {
                byte[] copy = original.clone();
                for (int i = 0, flips = 1 + random.nextInt(40); i < flips; i++) {
                    copy[random.nextInt(limit)] ^= (byte) (1 << random.nextInt(8));
                }
                yield copy;
            }
            case 2 -> {
                byte[] copy = original.clone();
                int from = random.nextInt(limit);
                Arrays.fill(copy, from, Math.min(copy.length, from + 1 + random.nextInt(20000)), (byte) 0);
                yield copy;
            }
            case 3 -> {
                byte[] copy = original.clone();
                byte[] noise = new byte[1 + random.nextInt(9000)];
                random.nextBytes(noise);
                int at = random.nextInt(limit - noise.length);
                System.arraycopy(noise, 0, copy, at, noise.length);
                yield copy;
            }
            default -> {
                // Page headers are where a reader's arithmetic lives: hit one field of one.
                byte[] copy = original.clone();
                int page = random.nextInt(limit / 8192) * 8192;
                int field = new int[] {0, 2, 4, 8, 16, 20}[random.nextInt(6)];
                copy[page + field + random.nextInt(4)] = (byte) random.nextInt(256);
                yield copy;
            }
        };
    }

    /**
     * Scans with a time limit, from a stream and where it lies in memory, which must agree; null
     * for a WalFormatException, a failure for anything else.
     */
    private static WalSegmentSummary scanWithin(byte[] segment, Lsn start) {
        WalSegmentSummary streamed = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            try (InputStream in = new ByteArrayInputStream(segment)) {
                return WalRecordScanner.scan(in, start);
            } catch (WalFormatException expected) {
                assertThat(expected.getMessage()).isNotBlank();
                return null;
            } catch (RuntimeException | IOException unexpected) {
                return fail("scanning a damaged segment threw " + unexpected, unexpected);
            }
        });
        WalSegmentSummary inPlace = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            try {
                return WalRecordScanner.scan(segment, segment.length, start);
            } catch (WalFormatException expected) {
                return null;
            } catch (RuntimeException unexpected) {
                return fail("scanning a damaged segment in memory threw " + unexpected, unexpected);
            }
        });
        assertThat(inPlace).as("the in-memory scan").isEqualTo(streamed);
        return streamed;
    }
}
