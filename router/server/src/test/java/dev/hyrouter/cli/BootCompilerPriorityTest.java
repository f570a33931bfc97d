package dev.hyrouter.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class BootCompilerPriorityTest {
    @Test
    void readsTheNiceFieldEvenWhenTheThreadNameHoldsSpacesAndParentheses() {
        String stat = "4242 (C2 CompilerThre) S 1 4200 4200 0 -1 1077936192 120 0 0 0 35 4 0 0 39 19 23 0 900 0 0";
        assertThat(BootCompilerPriority.niceOf(stat)).isEqualTo(19);
        String odd = "7 (a) b (c) R 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 1 1 0 5 0 0";
        assertThat(BootCompilerPriority.niceOf(odd)).isEqualTo(1);
    }

    @Test
    void onlyTheEffectiveUserIdDecidesRoot() {
        assertThat(BootCompilerPriority.isRoot(List.of("Name:\tjava", "Uid:\t0\t0\t0\t0"))).isTrue();
        assertThat(BootCompilerPriority.isRoot(List.of("Uid:\t0\t1000\t1000\t1000"))).isFalse();
        assertThat(BootCompilerPriority.isRoot(List.of("Uid:\t1000\t0\t0\t0"))).isTrue();
        assertThat(BootCompilerPriority.isRoot(List.of("Name:\tjava"))).isFalse();
    }

    @Test
    void onlyTheCommandThatRunsTheRouterLowersTheCompiler() {
        assertThat(Main.runsTheRouter(new String[0])).isTrue();
        assertThat(Main.runsTheRouter(new String[] {"-config", "hyrouter.yaml"})).isTrue();
        assertThat(Main.runsTheRouter(new String[] {"run", "-config", "hyrouter.yaml"})).isTrue();
        assertThat(Main.runsTheRouter(new String[] {"probe", "--target", "127.0.0.1:5520"})).isFalse();
        assertThat(Main.runsTheRouter(new String[] {"validate", "hyrouter.yaml"})).isFalse();
        assertThat(Main.runsTheRouter(new String[] {"plugin", "call"})).isFalse();
    }

    @Test
    void withoutThePropertyNothingIsDoneOrLogged() {
        BootCompilerPriority.lowerIfAsked(null);
        assertThat(BootCompilerPriority.restore()).isNull();
        BootCompilerPriority.lowerIfAsked(" ");
        assertThat(BootCompilerPriority.restore()).isNull();
    }

    @Test
    void aValueThatIsNotANiceLevelIsReportedAndChangesNothing() throws IOException {
        List<Integer> before = c2Nices();
        BootCompilerPriority.lowerIfAsked("lowest");
        BootCompilerPriority.Outcome o = BootCompilerPriority.restore();
        assertThat(o.ok()).isFalse();
        assertThat(o.message()).contains("hyrouter.jit.boot_nice=lowest", "-20..19");
        BootCompilerPriority.lowerIfAsked("20");
        assertThat(BootCompilerPriority.restore().message()).contains("=20", "-20..19");
        assertThat(c2Nices()).isEqualTo(before);
    }

    @Test
    void theC2ThreadsAreLoweredAtLaunchAndPutBackAtTheRestore() throws Exception {
        assumeThat(Path.of("/proc/self/task")).as("Linux /proc").exists();
        assumeThat(BootCompilerPriority.isRoot(Files.readAllLines(Path.of("/proc/self/status")))).as("running as root").isTrue();
        assumeThat(onPath("renice")).as("renice(1) on the PATH").isTrue();
        List<Integer> before = c2Nices();
        assumeThat(before).as("a C2 compiler thread in this JVM").isNotEmpty();
        int original = before.get(0);
        assumeThat(original).as("C2 below nice 19").isLessThan(19);

        BootCompilerPriority.lowerIfAsked("19");
        waitForNice(19);
        assertThat(c2Nices()).containsOnly(19);

        BootCompilerPriority.Outcome o = BootCompilerPriority.restore();
        assertThat(o.ok()).as(o.message()).isTrue();
        assertThat(o.message()).contains("nice 19", "back at nice " + original);
        assertThat(c2Nices()).containsOnly(original);
        assertThat(BootCompilerPriority.restore()).as("a second restore has nothing to do").isNull();
    }

    private static void waitForNice(int nice) throws Exception {
        for (int i = 0; i < 500 && !c2Nices().stream().allMatch(n -> n == nice); i++) {
            Thread.sleep(10);
        }
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    private static List<Integer> c2Nices() throws IOException {
        List<Integer> nices = new ArrayList<>();
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) {
            return nices;
        }
        try (Stream<Path> all = Files.list(tasks)) {
            for (Path task : (Iterable<Path>) all::iterator) {
                try {
                    if (Files.readString(task.resolve("comm")).startsWith("C2 CompilerThre")) {
                        nices.add(BootCompilerPriority.niceOf(Files.readString(task.resolve("stat"))));
                    }
                } catch (IOException gone) {
                    // a thread that ended while we looked
                }
            }
        }
        return nices;
    }
}
