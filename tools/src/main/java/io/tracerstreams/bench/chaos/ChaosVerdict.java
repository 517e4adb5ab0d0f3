/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.bench.chaos;

import java.util.List;
import java.util.Locale;

/**
 * What the {@link ChaosVerifier} found, as the one JSON object of {@code tracer bench chaos --json}.
 *
 * @param scenario               the fault scenario ({@code kill}, ...)
 * @param guarantee              {@code exactly_once_v2} or {@code at_least_once}
 * @param requests               requests the driver published (valid and INVALID_INPUT ones; planted bad records excluded)
 * @param decidedOnce            requests with exactly one decision
 * @param missing                requests without a decision
 * @param duplicates             decisions beyond the first for a request, traces learned beyond the accepted responses, and
 *                               dead letters of a planted record beyond its first
 * @param unexpected             decisions for a request id the driver never requested
 * @param responses              distinct LLM responses the driver published for decided requests (the accepted ones)
 * @param learned                the traces-learned count of the last task stats, summed over tasks
 * @param deadLettersExpected    planted bad records found in the dead-letter topic
 * @param deadLettersUnexpected  dead letters that are no planted record
 * @param faults                 faults injected (kills, restarts, ...)
 * @param passed                 whether every check held for the guarantee
 * @param problems               every failed check in words (not part of the JSON)
 */
public record ChaosVerdict(String scenario, String guarantee, long requests, long decidedOnce, long missing, long duplicates,
                           long unexpected, long responses, long learned, long deadLettersExpected, long deadLettersUnexpected,
                           long faults, boolean passed, List<String> problems) {

    /** The object: {@code {"scenario":..,"guarantee":..,...,"passed":true|false}}. */
    public String toJson() {
        return String.format(Locale.ROOT, "{\"scenario\":\"%s\",\"guarantee\":\"%s\",\"requests\":%d,\"decided_once\":%d,"
                        + "\"missing\":%d,\"duplicates\":%d,\"unexpected\":%d,\"responses\":%d,\"learned\":%d,"
                        + "\"dead_letters_expected\":%d,\"dead_letters_unexpected\":%d,\"faults\":%d,\"passed\":%s}",
                scenario, guarantee, requests, decidedOnce, missing, duplicates, unexpected, responses, learned,
                deadLettersExpected, deadLettersUnexpected, faults, passed);
    }
}
