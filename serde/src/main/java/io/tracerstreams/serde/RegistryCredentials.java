/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.serde;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/** How the client authenticates to the registry: nothing, HTTP basic auth or a bearer token. */
public sealed interface RegistryCredentials {

    /** The value of the {@code Authorization} header, if any. */
    Optional<String> authorizationHeader();

    /** No authentication. */
    RegistryCredentials NONE = new None();

    /** No authentication. */
    record None() implements RegistryCredentials {
        @Override
        public Optional<String> authorizationHeader() {
            return Optional.empty();
        }
    }

    /** HTTP basic authentication. {@link #toString()} hides the password. */
    record Basic(String user, String password) implements RegistryCredentials {
        public Basic {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
            if (user.isEmpty()) {
                throw new IllegalArgumentException("basic auth user must not be empty");
            }
        }

        /** Parses {@code user:password} (the password may contain ':'). */
        public static Basic parse(final String userInfo) {
            final int colon = userInfo.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("basic auth user info must be 'user:password'");
            }
            return new Basic(userInfo.substring(0, colon), userInfo.substring(colon + 1));
        }

        @Override
        public Optional<String> authorizationHeader() {
            final String token = Base64.getEncoder()
                    .encodeToString((user + ':' + password).getBytes(StandardCharsets.UTF_8));
            return Optional.of("Basic " + token);
        }

        @Override
        public String toString() {
            return "Basic[user=" + user + ", password=****]";
        }
    }

    /** A static bearer token. {@link #toString()} hides it. */
    record Bearer(String token) implements RegistryCredentials {
        public Bearer {
            Objects.requireNonNull(token, "token");
            if (token.isBlank()) {
                throw new IllegalArgumentException("bearer token must not be blank");
            }
        }

        @Override
        public Optional<String> authorizationHeader() {
            return Optional.of("Bearer " + token);
        }

        @Override
        public String toString() {
            return "Bearer[token=****]";
        }
    }
}
