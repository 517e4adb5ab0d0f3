/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Using the decisions from your service" Java snippet compiles against tracer-client as built (it runs
 * against a broker in {@code TracerClientIT}'s terms; its Node snippet is run by {@code NodeConsumerIT}).
 */
class ReadmeClientSnippetTest {

    @TempDir
    Path dir;

    @Test
    void shouldCompileTheJavaClientSnippet() throws Exception {
        final String source = """
                import io.tracerstreams.client.Decision;
                import io.tracerstreams.client.TracerClient;
                import io.tracerstreams.client.TracerClientConfig;
                import java.time.Duration;

                class ClientSnippet {
                    interface Llm {
                        String classify(String text);
                    }

                    static void call(final Llm llm, final String text) throws Exception {
                %s
                    }
                }
                """.formatted(ReadmeSnippets.snippet("java-client"));
        final Path file = dir.resolve("ClientSnippet.java");
        Files.writeString(file, source);
        final JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        assertThat(compiler).as("a JDK's compiler").isNotNull();
        final StringWriter diagnostics = new StringWriter();
        final boolean ok = compiler.getTask(diagnostics, null, null,
                List.of("-classpath", classPath(), "-d", dir.toString(), "-Xlint:none"), null,
                compiler.getStandardFileManager(null, null, null).getJavaFileObjects(file.toFile())).call();
        assertThat(ok).as("the README snippet compiles:\n%s\n%s", source, diagnostics).isTrue();
    }

    /** The test class path (surefire keeps it in surefire.test.class.path when it uses a manifest-only jar). */
    private static String classPath() {
        final String surefire = System.getProperty("surefire.test.class.path");
        final String cp = surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
        assertThat(cp.split(File.pathSeparator)).as("tracer-client on the class path")
                .anyMatch(e -> e.matches(".*(tracer-client[^/\\\\]*\\.jar|[/\\\\]client[/\\\\]target[/\\\\]classes)"));
        return cp;
    }
}
