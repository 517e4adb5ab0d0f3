/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.testkit;

import io.tracerstreams.schema.Decision;
import io.tracerstreams.schema.FrontierPoint;
import io.tracerstreams.schema.GateEvent;
import io.tracerstreams.schema.GateReason;
import io.tracerstreams.schema.GateState;
import io.tracerstreams.schema.LlmRequest;
import io.tracerstreams.schema.LlmResponse;
import io.tracerstreams.schema.Reason;
import io.tracerstreams.schema.RoutingDecision;
import io.tracerstreams.schema.TaskStats;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** One fully populated instance of every record type (non-default values in every field). */
public final class SampleRecords {

    public static final Instant TS = Instant.ofEpochMilli(1_790_000_000_123L);

    private SampleRecords() {
    }

    public static LlmRequest request() {
        return LlmRequest.newBuilder().setRequestId("r-1").setTask("banking77").setInput("my card is lost ü")
                .setTimestamp(TS).setAttributes(Map.of("tenant", "acme", "locale", "de")).build();
    }

    public static LlmResponse response() {
        return LlmResponse.newBuilder().setRequestId("r-1").setTask("banking77").setLabel("lost_or_stolen_card")
                .setInput("my card is lost").setModel("gpt-x").setLatencyMs(812L).setCost(0.0021).setTimestamp(TS)
                .build();
    }

    public static RoutingDecision decision() {
        return RoutingDecision.newBuilder().setRequestId("r-1").setTask("banking77").setDecision(Decision.HANDLED)
                .setLabel("lost_or_stolen_card").setScore(0.97).setThreshold(0.91).setReason(Reason.AUDIT)
                .setAudit(true).setModelVersion("softmax@1200").setTimestamp(TS).build();
    }

    public static GateEvent gateEvent() {
        return GateEvent.newBuilder().setTask("banking77").setState(GateState.OPEN).setPrevious(GateState.CLOSED)
                .setAlpha(0.9).setAgreement(0.95).setAgreementLower(0.91).setAgreementUpper(0.98).setCoverage(0.6)
                .setThreshold(0.88).setWindowSize(2000).setEffectiveSize(640.5)
                .setReason(GateReason.LOWER_BOUND_CROSSED).setDetail("LB 0.91 >= 0.90 at t=0.88")
                .setServedLearner("softmax").setModelVersion("softmax@1200").setTracesSeen(1200L).setTimestamp(TS)
                .build();
    }

    public static TaskStats taskStats() {
        return TaskStats.newBuilder().setTask("banking77").setTracesSeen(1200L).setRequestsSeen(1500L)
                .setHandled(700L).setDeferred(800L).setAudited(35L).setInvalid(2L).setTeacherCallsSaved(665L)
                .setEstimatedCostSaved(1.33).setGateState(GateState.OPEN).setAlpha(0.9).setThreshold(0.88)
                .setAgreement(0.95).setAgreementLower(0.91).setAgreementUpper(0.98).setCoverageEstimate(0.6)
                .setFrontier(List.of(new FrontierPoint(0.9, 0.6, 0.88), new FrontierPoint(0.99, 0.0, null)))
                .setDeferralsByReason(Map.of("LOW_SCORE", 500L, "GATE_CLOSED", 300L)).setServedLearner("softmax")
                .setLabels(77).setTimestamp(TS).build();
    }

    /** Every record type, one instance each. */
    public static List<SpecificRecord> all() {
        return List.of(request(), response(), decision(), gateEvent(), taskStats());
    }
}
