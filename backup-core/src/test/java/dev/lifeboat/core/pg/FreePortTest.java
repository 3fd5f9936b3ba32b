package dev.lifeboat.core.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class FreePortTest {

    @Test
    void refusesAPortThatSomethingListensOnEvenOnlyOnLoopback() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();

            assertThat(FreePort.isFree(port)).isFalse();
            assertThatThrownBy(() -> FreePort.requireFree(port))
                    .isInstanceOfSatisfying(LifeboatException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.DESTINATION);
                        assertThat(e.getMessage()).isEqualTo("port " + port + " is in use");
                        assertThat(e.hint()).isNotBlank();
                    });
        }
    }

    @Test
    void reservesDifferentFreePortsInItsRange() {
        try (PortReservation first = FreePort.reserve(); PortReservation second = FreePort.reserve()) {
            assertThat(first.port()).isBetween(FreePort.FIRST, FreePort.LAST).isNotEqualTo(second.port());
            assertThat(FreePort.isFree(first.port())).isTrue();
            FreePort.requireFree(first.port());
        }
    }

    @Test
    void refusesANumberThatIsNoPort() {
        assertThatThrownBy(() -> FreePort.requireFree(70000))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE));
    }
}
