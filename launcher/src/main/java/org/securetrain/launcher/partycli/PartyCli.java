package org.securetrain.launcher.partycli;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.SessionException;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.link.LinkProfile;
import org.securetrain.runtime.tls.TlsEngine;
import org.securetrain.runtime.tls.TlsIdentity;
import org.securetrain.runtime.tls.TlsListener;
import org.securetrain.runtime.tls.TlsSession;
import org.securetrain.runtime.tls.TlsTransport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Command line of one SecureTrain party's network runtime: make a TLS identity, test the connection to
 * the peer (latency and throughput), or run both parties locally as a demo.
 *
 * <p>Exit codes: 0 success, 1 the run failed (peer unreachable, rejected, port in use...), 2 misuse
 * (bad option, missing file, malformed fingerprint).
 */
@Command(name = "party-cli", mixinStandardHelpOptions = true, version = "SecureTrain party-runtime 0.1",
        description = "SecureTrain two-party runtime: TLS identities and connection tests.",
        subcommands = {PartyCli.Keygen.class, PartyCli.Fingerprint.class, PartyCli.Ping.class, PartyCli.Demo.class})
public final class PartyCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: keygen, fingerprint, ping or demo");
    }

    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "securetrain-cli-logback.xml");
        }
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (tests call {@code execute} on it directly). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new PartyCli());
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (ex instanceof CommandLine.ParameterException pe) {
                err.println("error: " + pe.getMessage());
                err.println("(see '" + commandLine.getCommandSpec().qualifiedName() + " --help')");
                return 2;
            }
            err.println("error: " + message(ex));
            err.flush();
            return 1;
        });
        return cl;
    }

    private static String message(Throwable t) {
        Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        String m = c.getMessage();
        return m == null ? c.toString() : m;
    }

    /** Misuse: reported with exit code 2. */
    static CommandLine.ParameterException misuse(CommandLine.Model.CommandSpec spec, String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    // ------------------------------------------------------------------ keygen

    @Command(name = "keygen", mixinStandardHelpOptions = true,
            description = "Make a key pair and self-signed certificate: NAME.key.pem and NAME.crt.pem in DIR; "
                    + "prints the certificate fingerprint the peer must pin.")
    static final class Keygen implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "directory (created if missing)")
        Path out;

        @Option(names = "--name", required = true, paramLabel = "NAME", description = "file name stem and certificate CN")
        String name;

        @Option(names = "--force", description = "overwrite existing files")
        boolean force;

        @Override
        public Integer call() throws Exception {
            if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
                throw misuse(spec, "--name must be 1-64 letters, digits, '.', '_' or '-', got '" + name + "'");
            }
            if (Files.exists(out) && !Files.isDirectory(out)) {
                throw misuse(spec, "--out " + out + " exists and is not a directory");
            }
            Path key = out.resolve(name + ".key.pem");
            Path crt = out.resolve(name + ".crt.pem");
            for (Path p : new Path[] {key, crt}) {
                if (Files.exists(p) && !force) {
                    throw misuse(spec, p + " already exists (use --force to overwrite)");
                }
            }
            Files.createDirectories(out);
            TlsIdentity id = TlsIdentity.generate(name);
            id.save(key, crt);
            PrintWriter o = spec.commandLine().getOut();
            o.println("private key : " + key + " (keep it secret)");
            o.println("certificate : " + crt);
            o.println("fingerprint : " + id.fingerprint());
            o.println("Give the fingerprint to the peer; it passes it as --peer-fingerprint.");
            o.flush();
            return 0;
        }
    }

    @Command(name = "fingerprint", mixinStandardHelpOptions = true,
            description = "Print the SHA-256 fingerprint of a certificate (what the peer pins).")
    static final class Fingerprint implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--key", required = true, paramLabel = "FILE") Path key;
        @Option(names = "--cert", required = true, paramLabel = "FILE") Path cert;

        @Override
        public Integer call() {
            TlsIdentity id = loadIdentity(spec, key, cert);
            spec.commandLine().getOut().println(id.fingerprint());
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    static TlsIdentity loadIdentity(CommandLine.Model.CommandSpec spec, Path key, Path cert) {
        for (Path p : new Path[] {key, cert}) {
            if (!Files.isRegularFile(p)) {
                throw misuse(spec, (p == key ? "key" : "certificate") + " file " + p + " does not exist");
            }
        }
        try {
            return TlsIdentity.load(key, cert);
        } catch (java.io.IOException e) {
            throw misuse(spec, e.getMessage());
        }
    }

    // ------------------------------------------------------------------ ping / demo

    /** Options shared by ping and demo (a picocli mixin). */
    static final class MeasureOptions {
        @Option(names = "--rounds", defaultValue = "1000", paramLabel = "N",
                description = "round trips of an 8-byte message for the latency figure (default ${DEFAULT-VALUE})")
        int rounds;

        @Option(names = "--megabytes", defaultValue = "512", paramLabel = "M",
                description = "MiB of long[] sent each way for the throughput figure (default ${DEFAULT-VALUE})")
        int megabytes;

        @Option(names = "--message-mib", defaultValue = "8", paramLabel = "K",
                description = "size of each bulk message in MiB (default ${DEFAULT-VALUE})")
        int messageMib;

        @Option(names = "--engine", defaultValue = "AUTO", paramLabel = "E",
                description = "TLS engine: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}: BoringSSL if it loads)")
        TlsEngine engine;

        @Option(names = "--link", defaultValue = "loopback", paramLabel = "PROFILE",
                description = "MEASUREMENT AID: what this party sends (demo: both parties) arrives as over a simulated "
                        + "link: loopback (off, the default), lan (1 Gbit/s, 0.5 ms RTT), wan (100 Mbit/s, 40 ms RTT) "
                        + "or BW,RTT such as 200mbit,10ms")
        String link;

        LinkProfile linkProfile;

        /**
         * Says on stdout that a simulated link is on: the launcher's classpath may carry no logging backend, and
         * the figures printed afterwards are the link's, not this machine's network.
         */
        void announceLink(PrintWriter out, String whose) {
            if (linkProfile.isSimulated()) {
                out.println("SIMULATED LINK (measurement aid, not a network): " + whose + " sends are delayed as over "
                        + linkProfile.describe());
                out.flush();
            }
        }

        void validate(CommandLine.Model.CommandSpec spec) {
            try {
                linkProfile = LinkProfile.parse(link);
            } catch (IllegalArgumentException e) {
                throw misuse(spec, "--link: " + e.getMessage());
            }
            if (rounds < 1 || rounds > 10_000_000) {
                throw misuse(spec, "--rounds must be in 1..10000000, got " + rounds);
            }
            if (megabytes < 1 || megabytes > 1 << 20) {
                throw misuse(spec, "--megabytes must be in 1..1048576, got " + megabytes);
            }
            if (messageMib < 1 || messageMib > 1024) {
                throw misuse(spec, "--message-mib must be in 1..1024, got " + messageMib);
            }
        }
    }

    static SessionOptions sessionOptions(Role role, LinkProfile link) {
        return SessionOptions.builder(role).sessionId("securetrain-ping")
                .configHash(SessionOptions.hashConfig("securetrain-ping", "v1")).link(link).build();
    }

    @Command(name = "ping", mixinStandardHelpOptions = true,
            description = "Connect to the peer over TLS and measure latency and throughput; run it on both parties "
                    + "(one with --listen, the other with --connect).")
    static final class Ping implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--role", required = true, paramLabel = "ROLE",
                description = "model-owner (party 0) or data-owner (party 1)")
        String role;

        @CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
        Endpoint endpoint;

        static final class Endpoint {
            @Option(names = "--listen", paramLabel = "HOST:PORT", converter = HostPort.class,
                    description = "wait for the peer on this address (port 0: any free port, printed)")
            InetSocketAddress listen;

            @Option(names = "--connect", paramLabel = "HOST:PORT", converter = HostPort.class,
                    description = "connect to the listening peer (retried until --timeout)")
            InetSocketAddress connect;
        }

        @Option(names = "--key", required = true, paramLabel = "FILE", description = "this party's private key (PEM)")
        Path key;

        @Option(names = "--cert", required = true, paramLabel = "FILE", description = "this party's certificate (PEM)")
        Path cert;

        @Option(names = "--peer-fingerprint", required = true, paramLabel = "HEX",
                description = "SHA-256 fingerprint of the peer's certificate, as printed by its keygen")
        String peerFingerprint;

        @Option(names = "--timeout", defaultValue = "60", paramLabel = "SECONDS",
                description = "how long to wait for the peer to listen or to connect (default ${DEFAULT-VALUE})")
        int timeoutSeconds;

        @CommandLine.Mixin
        MeasureOptions measure;

        @Override
        public Integer call() {
            Role r = switch (role.toLowerCase(Locale.ROOT)) {
                case "model-owner", "0" -> Role.MODEL_OWNER;
                case "data-owner", "1" -> Role.DATA_OWNER;
                default -> throw misuse(spec, "--role must be model-owner or data-owner, got '" + role + "'");
            };
            String pinned;
            try {
                pinned = TlsIdentity.parseFingerprint(peerFingerprint);
            } catch (IllegalArgumentException e) {
                throw misuse(spec, "--peer-fingerprint: " + e.getMessage());
            }
            if (timeoutSeconds < 1) {
                throw misuse(spec, "--timeout must be at least 1 second");
            }
            measure.validate(spec);
            TlsIdentity id = loadIdentity(spec, key, cert);
            PrintWriter out = spec.commandLine().getOut();
            measure.announceLink(out, "this party's");
            TlsTransport t = TlsTransport.builder().options(sessionOptions(r, measure.linkProfile)).identity(id)
                    .pinnedPeer(pinned)
                    .engine(measure.engine).acceptTimeout(Duration.ofSeconds(timeoutSeconds))
                    .connectTimeout(Duration.ofSeconds(timeoutSeconds)).build();
            TlsSession s;
            if (endpoint.listen != null) {
                try (TlsListener l = t.listen(endpoint.listen)) {
                    out.println("party " + r.id() + " (" + r + ") listening on " + l.address().getHostString() + ":"
                            + l.port() + "; this party's fingerprint " + id.fingerprint());
                    out.flush();
                    s = l.accept();
                }
            } else {
                out.println("party " + r.id() + " (" + r + ") connecting to " + endpoint.connect.getHostString() + ":"
                        + endpoint.connect.getPort());
                out.flush();
                s = t.connect(endpoint.connect);
            }
            try (TlsSession session = s) {
                out.println("connected: " + session.protocol() + " " + session.cipherSuite() + ", " + session.engine()
                        + ", peer " + session.peerAddress().getHostString() + ":" + session.peerAddress().getPort());
                out.flush();
                PingExchange.Report rep = PingExchange.run(session, measure.rounds, measure.megabytes,
                        measure.messageMib);
                out.println(rep.format());
                out.flush();
            }
            return 0;
        }
    }

    @Command(name = "demo", mixinStandardHelpOptions = true,
            description = "Run both parties in this process over TLS on 127.0.0.1 (fresh identities in a temporary "
                    + "directory, ephemeral port) and print latency and throughput.")
    static final class Demo implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        MeasureOptions measure;

        @Override
        public Integer call() throws Exception {
            measure.validate(spec);
            PrintWriter out = spec.commandLine().getOut();
            measure.announceLink(out, "both parties'");
            Path dir = Files.createTempDirectory("securetrain-demo-");
            try {
                TlsIdentity.generate("model-owner").save(dir.resolve("model-owner.key.pem"), dir.resolve("model-owner.crt.pem"));
                TlsIdentity.generate("data-owner").save(dir.resolve("data-owner.key.pem"), dir.resolve("data-owner.crt.pem"));
                TlsIdentity mo = TlsIdentity.load(dir.resolve("model-owner.key.pem"), dir.resolve("model-owner.crt.pem"));
                TlsIdentity dO = TlsIdentity.load(dir.resolve("data-owner.key.pem"), dir.resolve("data-owner.crt.pem"));
                out.println("identities in " + dir + ":");
                out.println("  party 0 (model owner) certificate " + mo.fingerprint());
                out.println("  party 1 (data owner)  certificate " + dO.fingerprint());
                MeasureOptions m = measure;
                try (TlsListener l = TlsTransport.builder().options(sessionOptions(Role.MODEL_OWNER, m.linkProfile))
                        .identity(mo)
                        .pinnedPeer(dO.fingerprint()).engine(m.engine).acceptTimeout(Duration.ofSeconds(30))
                        .listen(new InetSocketAddress("127.0.0.1", 0))) {
                    out.println("party 0 listening on 127.0.0.1:" + l.port() + "; party 1 connecting");
                    out.flush();
                    CompletableFuture<PingExchange.Report> p1 = CompletableFuture.supplyAsync(() -> {
                        try (TlsSession s = TlsTransport.builder()
                                .options(sessionOptions(Role.DATA_OWNER, m.linkProfile)).identity(dO)
                                .pinnedPeer(mo.fingerprint()).engine(m.engine).connectTimeout(Duration.ofSeconds(30))
                                .connect(new InetSocketAddress("127.0.0.1", l.port()))) {
                            return PingExchange.run(s, m.rounds, m.megabytes, m.messageMib);
                        }
                    });
                    PingExchange.Report rep;
                    try (TlsSession s = l.accept()) {
                        out.println("connected: " + s.protocol() + " " + s.cipherSuite() + ", " + s.engine());
                        out.flush();
                        rep = PingExchange.run(s, m.rounds, m.megabytes, m.messageMib);
                    } catch (SessionException e) {
                        p1.handle((r, x) -> null).join();
                        throw e;
                    }
                    p1.join();
                    out.println(rep.format());
                    out.flush();
                }
            } finally {
                try (var files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            return 0;
        }
    }
}
