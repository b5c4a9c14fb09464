package dev.realtimeharness.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The harness CLI. The only place that calls {@link System#exit}. */
@Command(name = "harness", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Load-testing and latency gate for Supabase Realtime.",
        subcommands = {RunCommand.class, TargetCommand.class, ValidateCommand.class, GateCommand.class,
            CompareCommand.class, ReportCommand.class, HistoryCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the run finished and every gate check passed",
            "1:the run finished and at least one gate check failed",
            "2:bad input (unknown command or flag, invalid scenario, missing credentials)",
            "3:the run could not be carried out (target unreachable, every connection refused, target failed)",
            "4:interrupted or aborted early; partial results are written"})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI and returns the exit code (tests call this instead of {@link #main}). */
    public static int execute(String... args) {
        CommandLine cl = commandLine();
        return cl.execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExitCodeExceptionMapper(t -> ExitCodes.NOT_RUN);
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("harness: " + ex.getMessage());
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for usage.");
            return ExitCodes.BAD_INPUT;
        });
        return cl;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: run, target,"
                + " validate, gate, compare, report or history");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"realtime-harness " + dev.realtimeharness.results.RunInfoWriter.harnessVersion()};
        }
    }
}
