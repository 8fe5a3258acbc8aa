package dev.capstan.testkit;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** A {@link NodeTest} outside a real-node JVM would run on the simulator and prove nothing: it says where to run it. */
final class RealNodeCheck implements BeforeAllCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        if (!RealNode.enabled()) {
            throw new IllegalStateException(context.getDisplayName() + " needs the real node: run it in surefire's real-node "
                    + "execution (mvn -B verify, or mvn -B surefire:test@real-node -Dtest=" + context.getDisplayName()
                    + " after package), as root; " + RealNode.HOW_TO_GET);
        }
    }
}
