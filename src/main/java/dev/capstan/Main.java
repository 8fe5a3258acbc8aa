package dev.capstan;

import dev.capstan.cli.CapstanCommand;

/** Entry point of the jar: hands the arguments to the CLI and exits with its code. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(CapstanCommand.execute(args));
    }
}
