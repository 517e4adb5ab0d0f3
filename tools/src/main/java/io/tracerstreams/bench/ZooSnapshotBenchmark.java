/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.bench;

import io.tracerstreams.featurize.CachingFeaturizer;
import io.tracerstreams.featurize.Featurizer;
import io.tracerstreams.featurize.Featurizers;
import io.tracerstreams.gate.GateConfig;
import io.tracerstreams.learning.OodGuard;
import io.tracerstreams.replay.Datasets;
import io.tracerstreams.replay.LabelledText;
import io.tracerstreams.schema.state.OodState;
import io.tracerstreams.schema.state.ZooState;
import io.tracerstreams.task.TaskConfig;
import io.tracerstreams.task.TaskEngine;

import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Bytes and write/read time of the engine snapshot's zoo and OOD parts, Java serialization (the parts' format up to
 * format-4 snapshots of the previous release) against their Avro records ({@link ZooState}, {@link OodState}), after
 * the Banking77 train split was learned by an engine with the default settings. Write is object to bytes (Java:
 * {@code ObjectOutputStream}; Avro: {@code toState()} then binary encoding); read is bytes to object (Java:
 * {@code ObjectInputStream} through the snapshot's allow-list; Avro: binary decoding then {@code fromState}). Each
 * figure is the median of {@code --repeats} runs after as many warm-up runs; the Avro line also says how much of it
 * is the binary encoding and decoding alone (the rest is {@code toState}/{@code fromState}).
 *
 * <p>The zoo is package-private in core (task/SurrogateZoo): this benchmark reaches the engine's zoo, its
 * {@code toState}/{@code fromState} and the allow-list by reflection, for measurement only.
 *
 * <p>Arguments: {@code --data DIR} (default {@code ../shared/data}), {@code --repeats N} (default 15). Embeddings
 * come from the on-disk cache of {@code ./tracer replay} (computed on first use). Command:
 * {@code ./tracer bench snapshot-zoo [--repeats N]}.
 */
public final class ZooSnapshotBenchmark {

    private ZooSnapshotBenchmark() {
    }

    /** Runs the benchmark and prints one line per part and format. */
    public static void main(final String[] args) throws ReflectiveOperationException {
        Path data = Path.of("..", "shared", "data");
        int repeats = 15;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data" -> data = Path.of(args[++i]);
                case "--repeats" -> repeats = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (expected --data DIR, --repeats N)");
            }
        }
        final List<LabelledText> train = Datasets.read(data.resolve("banking77/train.jsonl.gz"));
        final List<float[]> vectors;
        try (Featurizer f = Featurizers.open("minilm", CachingFeaturizer.defaultDirectory())) {
            vectors = f.embed(train.stream().map(LabelledText::text).toList());
        }
        final TaskConfig config = TaskConfig.DEFAULTS;
        final TaskEngine engine = TaskEngine.create("bench", config);
        for (int i = 0; i < train.size(); i++) {
            engine.learn(train.get(i).id(), null, vectors.get(i), train.get(i).label(), null, i);
        }
        System.out.printf(Locale.ROOT, "zoo/ood snapshot parts after %d Banking77 train traces (learners %s, window %d, "
                + "seed %d), median of %d runs%n", train.size(), config.learners(), config.windowSize(), config.seed(),
                repeats);

        final Object zoo = field(engine, "zoo");
        final Class<?> zooClass = zoo.getClass();
        final Method zooToState = accessible(zooClass.getDeclaredMethod("toState"));
        final Method zooFromState = accessible(zooClass.getDeclaredMethod("fromState", ZooState.class, GateConfig.class));
        final GateConfig gateConfig = config.gateConfig();
        final ObjectInputFilter filter = ObjectInputFilter.Config.createFilter(allowList());

        measure("zoo", (Serializable) zoo, repeats, filter, ZooState.class,
                () -> (ZooState) invoke(zooToState, zoo),
                state -> invoke(zooFromState, null, state, gateConfig));
        final OodGuard ood = (OodGuard) field(engine, "ood");
        measure("ood", ood, repeats, filter, OodState.class, ood::toState, OodGuard::fromState);
    }

    private static <S extends SpecificRecord> void measure(final String part, final Serializable object,
                                                           final int repeats, final ObjectInputFilter filter,
                                                           final Class<S> type, final Supplier<S> toState,
                                                           final Function<S, Object> fromState) {
        final byte[] java = javaWrite(object);
        final byte[] avro = avroWrite(toState.get(), type);
        final double javaWrite = median(repeats, () -> javaWrite(object));
        final double javaRead = median(repeats, () -> javaRead(java, filter));
        final double avroWrite = median(repeats, () -> avroWrite(toState.get(), type));
        final double avroRead = median(repeats, () -> fromState.apply(avroRead(avro, type)));
        final double avroDecode = median(repeats, () -> avroRead(avro, type));
        final double avroEncode = median(repeats, () -> avroWrite(toState.get(), type)) - median(repeats, toState::get);
        System.out.printf(Locale.ROOT, "%s  java: %,d bytes, write %.1f ms, read %.1f ms%n", part, java.length,
                javaWrite, javaRead);
        System.out.printf(Locale.ROOT, "%s  avro: %,d bytes, write %.1f ms, read %.1f ms (of which binary encoding about "
                + "%.1f ms, decoding %.1f ms)%n", part, avro.length, avroWrite, avroRead, avroEncode, avroDecode);
    }

    private static double median(final int repeats, final Supplier<?> run) {
        for (int i = 0; i < repeats; i++) {
            run.get();
        }
        final double[] ms = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            final long t0 = System.nanoTime();
            run.get();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        return ms[repeats / 2];
    }

    private static byte[] javaWrite(final Serializable object) {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 20);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(object);
        } catch (final IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    private static Object javaRead(final byte[] bytes, final ObjectInputFilter filter) {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            in.setObjectInputFilter(filter);
            return in.readObject();
        } catch (final IOException | ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <S extends SpecificRecord> byte[] avroWrite(final S state, final Class<S> type) {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 20);
        final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        try {
            new SpecificDatumWriter<>(type).write(state, encoder);
            encoder.flush();
        } catch (final IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    private static <S extends SpecificRecord> S avroRead(final byte[] bytes, final Class<S> type) {
        try {
            return new SpecificDatumReader<>(type).read(null, DecoderFactory.get().binaryDecoder(bytes, null));
        } catch (final IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object field(final Object owner, final String name) throws ReflectiveOperationException {
        final Field f = owner.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(owner);
    }

    private static String allowList() throws ReflectiveOperationException {
        final Field f = Class.forName("io.tracerstreams.task.JavaParts").getDeclaredField("ALLOW_LIST");
        f.setAccessible(true);
        return (String) f.get(null);
    }

    private static Method accessible(final Method m) {
        m.setAccessible(true);
        return m;
    }

    private static Object invoke(final Method m, final Object target, final Object... args) {
        try {
            return m.invoke(target, args);
        } catch (final ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
