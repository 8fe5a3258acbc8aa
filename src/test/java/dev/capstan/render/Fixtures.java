package dev.capstan.render;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** Locates fixture directories under src/test/resources/dev/capstan/render. */
final class Fixtures {
    private Fixtures() {
    }

    static Path dir(String relative) {
        try {
            return Path.of(Fixtures.class.getResource(relative).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalArgumentException("no fixture " + relative, e);
        }
    }
}
