package dev.realtimeharness.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class DriversTest {

    @Test
    void idsAreDeterministicWithTheIndexInTheLastDigits() {
        assertThat(Drivers.id(0)).hasToString("d0000000-0000-4000-8000-000000000000");
        assertThat(Drivers.id(1)).hasToString("d0000000-0000-4000-8000-000000000001");
        assertThat(Drivers.id(255)).hasToString("d0000000-0000-4000-8000-0000000000ff");
        assertThat(Drivers.id(Integer.MAX_VALUE)).hasToString("d0000000-0000-4000-8000-00007fffffff");
        assertThat(Drivers.id(42)).isEqualTo(Drivers.id(42));
    }

    @Test
    void idsAreVersion4WithTheIetfVariant() {
        UUID id = Drivers.id(7);
        assertThat(id.version()).isEqualTo(4);
        assertThat(id.variant()).isEqualTo(2);
    }

    @Test
    void indexInvertsId() {
        for (int i : new int[] {0, 1, 49, 65_536, Integer.MAX_VALUE}) {
            assertThat(Drivers.index(Drivers.id(i))).isEqualTo(i);
        }
        assertThat(Drivers.index(UUID.fromString("a0000000-0000-4000-8000-000000000001"))).isEqualTo(-1);
    }

    @Test
    void negativeIndexIsRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> Drivers.id(-1));
    }
}
