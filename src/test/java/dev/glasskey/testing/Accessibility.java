package dev.glasskey.testing;

import java.util.List;
import java.util.stream.Collectors;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * axe-core (Deque's accessibility engine) run inside the page the browser shows: issue 18 asks for
 * no serious or critical violation on any console page (labels, keyboard use, contrast, ...).
 */
public final class Accessibility {
    private Accessibility() {}

    /** Runs axe on the current page and fails, listing each rule and element, on any serious or critical violation. */
    public static void assertNoSeriousViolations(Browser browser, String page) {
        Results results = new AxeBuilder().analyze(browser.driver());
        List<Rule> serious = results.getViolations().stream()
                .filter(r -> "serious".equals(r.getImpact()) || "critical".equals(r.getImpact())).toList();
        assertThat(serious).as(() -> "axe-core on " + page + " (" + browser.path() + "):\n" + serious.stream()
                .map(r -> r.getImpact() + " " + r.getId() + ": " + r.getHelp() + " at " + r.getNodes().stream()
                        .map(n -> String.valueOf(n.getTarget())).collect(Collectors.joining(", ")))
                .collect(Collectors.joining("\n"))).isEmpty();
    }
}
