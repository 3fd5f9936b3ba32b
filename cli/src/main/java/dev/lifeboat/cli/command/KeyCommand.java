package dev.lifeboat.cli.command;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "key", mixinStandardHelpOptions = true,
        description = {"Manage the key of an encrypted repository.",
                "'rotate' wraps the repository's data key with a new passphrase or key file; no data is rewritten."},
        subcommands = {KeyRotateCommand.class})
public final class KeyCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
