package dev.lifeboat.cli;

import java.io.PrintStream;
import java.util.Map;

/** Process entry point; {@link #run} is the same CLI without System.exit, for tests. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        int status = run(System.out, System.err, System.getenv(), args);
        System.out.flush();
        System.err.flush();
        System.exit(status);
    }

    public static int run(PrintStream out, PrintStream err, Map<String, String> env, String... args) {
        return CommandLineFactory.create(out, err, env, args).execute(args);
    }
}
