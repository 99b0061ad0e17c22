package chefs.standard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import netdumplings.api.DumplingChef;
import netdumplings.chefkit.ChefReplay;
import netdumplings.chefkit.Configurations;
import netdumplings.testing.SampleCaptures;

/** No standard chef throws on the shared malformed captures (../shared/pcaps/malformed). */
class MalformedCapturesTest {

    static Stream<Path> malformed() throws IOException {
        try (Stream<Path> files = Files.list(SampleCaptures.folder().resolve("malformed"))) {
            return files.sorted().toList().stream();
        }
    }

    /** @return one of each standard chef, with its default configuration */
    static List<DumplingChef> standardChefs() {
        return List.of(new DhcpChef(Configurations.of(DhcpChef.Config.class)),
                new TopTalkersChef(Configurations.of(TopTalkersChef.Config.class)),
                new TlsServerNameChef(Configurations.of(TlsServerNameChef.Config.class)),
                new HttpRequestChef(Configurations.of(HttpRequestChef.Config.class)),
                new ConnectionsChef(Configurations.of(ConnectionsChef.Config.class)));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void noChefThrows(Path capture) throws Exception {
        ChefReplay.Result result = ChefReplay.replay(capture, standardChefs().toArray(DumplingChef[]::new));
        Map<String, Long> errors = result.errors();
        assertEquals(standardChefs().size(), errors.size(), "every chef was fed");
        errors.forEach((chef, n) -> assertEquals(0L, n, chef + " threw on " + capture.getFileName()));
    }
}
