package dev.hyrouter.cli;

import dev.hyrouter.config.ConfigException;
import dev.hyrouter.config.ConfigLoader;
import dev.hyrouter.config.ConfigWarning;
import dev.hyrouter.config.RouterConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** {@code hyrouter validate <config>}: exit 0 when the config loads (warnings printed), 1 otherwise. */
final class ValidateCommand {
    private ValidateCommand() {
    }

    static int run(List<String> args, PrintStream out, PrintStream err) throws Args.UsageException {
        Args a = Args.parse(args, Set.of("config"));
        String file = a.positional().isEmpty() ? a.get("config", null) : a.positional().get(0);
        if (file == null) {
            throw new Args.UsageException("validate needs a config file");
        }
        try {
            RouterConfig c = ConfigLoader.load(Path.of(file));
            for (ConfigWarning w : c.warnings()) {
                err.println("warning: " + w);
            }
            out.println(file + ": ok (" + c.routing().routes().size() + " route(s), default pool "
                    + (c.routing().defaultPool() == null ? "none" : "set") + ", " + c.plugins().size() + " plugin(s), "
                    + c.warnings().size() + " warning(s))");
            return 0;
        } catch (ConfigException e) {
            err.println("invalid config: " + e.getMessage());
            return 1;
        }
    }
}
