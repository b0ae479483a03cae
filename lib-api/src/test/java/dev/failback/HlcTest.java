package dev.failback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HlcTest {

    @Test
    void parsesTheChangefeedForm() {
        Hlc h = Hlc.parse("1759246945019283746.0000000001");
        assertThat(h.wall()).isEqualTo(1759246945019283746L);
        assertThat(h.logical()).isEqualTo(1);
        assertThat(h.toString()).isEqualTo("1759246945019283746.0000000001");
    }

    @Test
    void stripsTheSyntheticMarkerAndAcceptsShortZeroLogical() {
        assertThat(Hlc.parse("1759246945019283746.0000000002?")).isEqualTo(new Hlc(1759246945019283746L, 2));
        assertThat(Hlc.parse("10.0")).isEqualTo(new Hlc(10, 0));
    }

    @Test
    void ordersByWallThenLogical() {
        assertThat(Hlc.parse("2.0000000000")).isGreaterThan(Hlc.parse("1.0000000009"));
        assertThat(Hlc.parse("1.0000000002")).isGreaterThan(Hlc.parse("1.0000000001"));
        assertThat(Hlc.max(new Hlc(1, 1), new Hlc(1, 2))).isEqualTo(new Hlc(1, 2));
    }

    @Test
    void rejectsWhatIsNotAnHlc() {
        for (String bad : new String[] {"", ".", "1.", ".1", "1.2.3", "abc.0000000000", "1.12", "-1.0000000000",
                "2025-09-30T15:42:11.287415902Z", "99999999999999999999.0000000000", "1.99999999999"}) {
            assertThatThrownBy(() -> Hlc.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
