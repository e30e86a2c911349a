package org.haap.deploy.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.haap.core.sys.NetworkNamespace;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A small HTTP server in a network namespace for unmodified clients (curl): {@code GET /file}
 * returns the file it was given; {@code PUT /upload} reads the body and answers its
 * SHA-256 in hex.
 */
final class FileHttpServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(8);

    FileHttpServer(String namespace, InetSocketAddress bind, Path file) throws Exception {
        server = NetworkNamespace.call(namespace, () -> HttpServer.create(bind, 256));
        server.createContext("/file", ex -> {
            long[] sent = {0};
            try (ex) {
                ex.sendResponseHeaders(200, Files.size(file));
                try (OutputStream out = ex.getResponseBody()) {
                    byte[] buf = new byte[64 << 10];
                    try (InputStream in = Files.newInputStream(file)) {
                        for (int n; (n = in.read(buf)) > 0; sent[0] += n) {
                            out.write(buf, 0, n);
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                // An early end of a download is then the server's, and says why (JDK's
                // HttpServer logs handler failures at debug level only).
                System.err.println("FileHttpServer: GET /file ended after " + sent[0] + " of "
                        + Files.size(file) + " bytes: " + e);
                throw e;
            }
        });
        server.createContext("/upload", this::upload);
        server.setExecutor(executor);
        server.start();
    }

    private void upload(HttpExchange ex) throws IOException {
        try (ex) {
            MessageDigest sha = Sha.newDigest();
            try (InputStream in = new DigestInputStream(ex.getRequestBody(), sha)) {
                in.transferTo(OutputStream.nullOutputStream());
            }
            byte[] body = HexFormat.of().formatHex(sha.digest()).getBytes(StandardCharsets.US_ASCII);
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
