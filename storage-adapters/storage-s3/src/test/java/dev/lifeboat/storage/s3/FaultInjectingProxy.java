package dev.lifeboat.storage.s3;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * An HTTP/1.1 proxy on 127.0.0.1 in front of an S3 server that passes requests through byte for
 * byte (signatures stay valid) until it is told to fail some: answer 503, reset the connection
 * in the middle of an upload, lose the reply after the server acted, or never answer. It is how
 * the retry decorator is tested over real HTTP, and how later robustness tests make a store fail
 * or stall.
 *
 * <pre>
 * try (FaultInjectingProxy proxy = FaultInjectingProxy.start(server.endpoint())) {
 *     proxy.failNext(3, Fault.SERVICE_UNAVAILABLE, request -&gt; request.method().equals("PUT"));
 *     BlobStore store = BlobStores.openWithDefaults(server.uri(proxy.endpoint(), bucket, prefix));
 * </pre>
 *
 * <p>Each client connection gets its own connection to the server, and requests on it are
 * handled one at a time (the SDK does not pipeline). Faults apply in the order they were added,
 * each to the next requests its predicate accepts.
 */
public final class FaultInjectingProxy implements AutoCloseable {

    /** What to do to a request instead of passing it through. */
    public enum Fault {
        /** Answer 503 SlowDown without passing the request on (the server never sees it). */
        SERVICE_UNAVAILABLE,
        /** Pass on the request head and half of its body, then reset both connections. */
        RESET_MID_REQUEST,
        /** Pass the request on and let the server answer, then reset the client's connection instead of replying. */
        LOSE_REPLY,
        /** Never answer: hold the connection until the client gives up or the proxy closes. */
        STALL,
        /**
         * Answer as AWS does a request signed for the wrong region: 400 AuthorizationHeaderMalformed
         * naming the region expected ({@link #EXPECTED_REGION}), also in the x-amz-bucket-region header.
         */
        WRONG_REGION
    }

    /** The region a {@link Fault#WRONG_REGION} answer says the bucket is in. */
    public static final String EXPECTED_REGION = "ap-southeast-2";

    /** A request as the proxy saw it; header names are case-insensitive. */
    public record Request(String method, String target, Map<String, String> headers) {

        /** The path without the query. */
        public String path() {
            int query = target.indexOf('?');
            return query < 0 ? target : target.substring(0, query);
        }

        /** Whether the query has the parameter {@code name} ("uploadId", "partNumber"...). */
        public boolean hasParameter(String name) {
            int query = target.indexOf('?');
            if (query < 0) {
                return false;
            }
            for (String pair : target.substring(query + 1).split("&")) {
                if (pair.equals(name) || pair.startsWith(name + "=")) {
                    return true;
                }
            }
            return false;
        }
    }

    private static final class Rule {
        final Fault fault;
        final Predicate<Request> applies;
        int remaining;

        Rule(Fault fault, Predicate<Request> applies, int remaining) {
            this.fault = fault;
            this.applies = applies;
            this.remaining = remaining;
        }
    }

    private static final int MAX_HEAD = 64 * 1024;
    private static final byte[] SLOW_DOWN = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SlowDown</Code>"
            + "<Message>Please reduce your request rate.</Message></Error>").getBytes(StandardCharsets.US_ASCII);

    private final InetSocketAddress upstream;
    private final ServerSocket listener;
    private final ExecutorService threads;
    private final List<Rule> rules = new ArrayList<>();
    private final List<Request> seen = new CopyOnWriteArrayList<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private FaultInjectingProxy(InetSocketAddress upstream, ServerSocket listener) {
        this.upstream = upstream;
        this.listener = listener;
        this.threads = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "fault-injecting-proxy");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts a proxy to the server at {@code upstream} (http://host:port). */
    public static FaultInjectingProxy start(URI upstream) throws IOException {
        ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        FaultInjectingProxy proxy = new FaultInjectingProxy(
                new InetSocketAddress(upstream.getHost(), upstream.getPort()), listener);
        proxy.threads.execute(proxy::accept);
        return proxy;
    }

    /** The proxy's base URL, to use as a store's endpoint. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + listener.getLocalPort());
    }

    /** The next {@code times} requests, whatever they are, get {@code fault}. */
    public FaultInjectingProxy failNext(int times, Fault fault) {
        return failNext(times, fault, request -> true);
    }

    /** The next {@code times} requests that {@code which} accepts get {@code fault}. */
    public FaultInjectingProxy failNext(int times, Fault fault, Predicate<Request> which) {
        synchronized (rules) {
            rules.add(new Rule(fault, which, times));
        }
        return this;
    }

    /** How many injected faults are still to come. */
    public int faultsPending() {
        synchronized (rules) {
            return rules.stream().mapToInt(rule -> rule.remaining).sum();
        }
    }

    /** Drops the faults still to come (a test that set up more than the requests used). */
    public void clearFaults() {
        synchronized (rules) {
            rules.clear();
        }
    }

    /** Every request seen so far, faulted or not, in arrival order. */
    public List<Request> requests() {
        return List.copyOf(seen);
    }

    /** Forgets the requests seen so far. */
    public void clearRequests() {
        seen.clear();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
        for (Socket socket : open) {
            closeQuietly(socket);
        }
        threads.shutdownNow();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                open.add(client);
                threads.execute(() -> serve(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private Fault takeFault(Request request) {
        synchronized (rules) {
            for (Rule rule : rules) {
                if (rule.remaining > 0 && rule.applies.test(request)) {
                    rule.remaining--;
                    return rule.fault;
                }
            }
            return null;
        }
    }

    private void serve(Socket client) {
        Socket server = null;
        try {
            InputStream fromClient = new BufferedInputStream(client.getInputStream());
            OutputStream toClient = client.getOutputStream();
            InputStream fromServer = null;
            OutputStream toServer = null;
            while (true) {
                Head head = Head.read(fromClient);
                if (head == null) {
                    return;
                }
                Request request = head.request();
                seen.add(request);
                Fault fault = takeFault(request);
                if (fault == Fault.SERVICE_UNAVAILABLE) {
                    if (!head.expectsContinue()) {
                        copyBody(fromClient, OutputStream.nullOutputStream(), head);
                    }
                    slowDown(toClient, request);
                    return;
                }
                if (fault == Fault.WRONG_REGION) {
                    if (!head.expectsContinue()) {
                        copyBody(fromClient, OutputStream.nullOutputStream(), head);
                    }
                    wrongRegion(toClient, request);
                    return;
                }
                if (fault == Fault.STALL) {
                    fromClient.transferTo(OutputStream.nullOutputStream()); // until the client gives up
                    return;
                }
                if (server == null) {
                    server = new Socket(upstream.getAddress(), upstream.getPort());
                    open.add(server);
                    fromServer = new BufferedInputStream(server.getInputStream());
                    toServer = server.getOutputStream();
                }
                toServer.write(head.bytes());
                toServer.flush();
                if (head.expectsContinue()) {
                    Head interim = Head.read(fromServer);
                    if (interim == null) {
                        return;
                    }
                    toClient.write(interim.bytes());
                    toClient.flush();
                    if (interim.status() != 100) {
                        // Refused before the body (403, 412...): the client sends no body now.
                        copyBody(fromServer, toClient, interim.withRequest(request));
                        toClient.flush();
                        return;
                    }
                }
                if (fault == Fault.RESET_MID_REQUEST) {
                    copyHalfOfBody(fromClient, toServer, head);
                    reset(client);
                    reset(server);
                    return;
                }
                copyBody(fromClient, toServer, head);
                toServer.flush();
                Head response = Head.read(fromServer);
                if (response == null) {
                    return;
                }
                response = response.withRequest(request);
                if (fault == Fault.LOSE_REPLY) {
                    copyBody(fromServer, OutputStream.nullOutputStream(), response);
                    reset(client);
                    return;
                }
                toClient.write(response.bytes());
                copyBody(fromServer, toClient, response);
                toClient.flush();
                if (response.closes() || head.closes()) {
                    return;
                }
            }
        } catch (IOException e) {
            // a client or the server went away; so does this connection
        } finally {
            closeQuietly(client);
            if (server != null) {
                closeQuietly(server);
            }
        }
    }

    private static void wrongRegion(OutputStream toClient, Request request) throws IOException {
        String authorization = request.headers().getOrDefault("authorization", "");
        java.util.regex.Matcher scope = java.util.regex.Pattern.compile("Credential=[^/]+/[0-9]+/([a-z0-9-]+)/").matcher(authorization);
        String used = scope.find() ? scope.group(1) : "us-east-1";
        byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AuthorizationHeaderMalformed</Code>"
                + "<Message>The authorization header is malformed; the region '" + used + "' is wrong; expecting '"
                + EXPECTED_REGION + "'</Message><Region>" + EXPECTED_REGION + "</Region></Error>")
                .getBytes(StandardCharsets.US_ASCII);
        boolean head = request.method().equals("HEAD");
        String status = "HTTP/1.1 400 Bad Request\r\nContent-Type: application/xml\r\nx-amz-bucket-region: " + EXPECTED_REGION
                + "\r\nContent-Length: " + (head ? 0 : body.length) + "\r\nConnection: close\r\n\r\n";
        toClient.write(status.getBytes(StandardCharsets.US_ASCII));
        if (!head) {
            toClient.write(body);
        }
        toClient.flush();
    }

    private static void slowDown(OutputStream toClient, Request request) throws IOException {
        boolean head = request.method().equals("HEAD");
        String status = "HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\nContent-Length: "
                + SLOW_DOWN.length + "\r\nConnection: close\r\n\r\n";
        toClient.write(status.getBytes(StandardCharsets.US_ASCII));
        if (!head) {
            toClient.write(SLOW_DOWN);
        }
        toClient.flush();
    }

    /** Copies the body that follows {@code head} (a request or a response) from {@code in} to {@code out}. */
    private static void copyBody(InputStream in, OutputStream out, Head head) throws IOException {
        if (!head.hasBody()) {
            return;
        }
        if (head.chunked()) {
            copyChunks(in, out);
        } else if (head.contentLength() >= 0) {
            copyExactly(in, out, head.contentLength());
        } else {
            in.transferTo(out); // a response that ends when the server closes
        }
    }

    private static void copyHalfOfBody(InputStream in, OutputStream out, Head head) throws IOException {
        if (head.hasBody() && !head.chunked() && head.contentLength() > 1) {
            copyExactly(in, out, head.contentLength() / 2);
            out.flush();
        }
    }

    private static void copyChunks(InputStream in, OutputStream out) throws IOException {
        while (true) {
            String sizeLine = readLine(in);
            out.write((sizeLine + "\r\n").getBytes(StandardCharsets.US_ASCII));
            int semicolon = sizeLine.indexOf(';');
            long size = Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                for (String trailer = readLine(in); ; trailer = readLine(in)) {
                    out.write((trailer + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    if (trailer.isEmpty()) {
                        return;
                    }
                }
            }
            copyExactly(in, out, size);
            out.write((readLine(in) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static void copyExactly(InputStream in, OutputStream out, long count) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long left = count;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new EOFException("body ended " + left + " bytes early");
            }
            out.write(buffer, 0, n);
            left -= n;
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("connection closed mid-line");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    /** Closes with SO_LINGER 0, so the peer sees a reset rather than an orderly end. */
    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException e) {
            // already gone
        }
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }

    /** The head of a request or a response, as raw bytes (passed on unchanged) and parsed. */
    private record Head(byte[] bytes, String firstLine, Map<String, String> headers, Request request) {

        /** Reads a head up to its empty line; null when the connection ends before one starts. */
        static Head read(InputStream in) throws IOException {
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            int matched = 0; // of "\r\n\r\n"
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    if (raw.size() == 0) {
                        return null;
                    }
                    throw new EOFException("connection closed inside a head");
                }
                raw.write(b);
                if (b == '\r') {
                    matched = matched == 2 ? 3 : 1;
                } else if (b == '\n' && (matched == 1 || matched == 3)) {
                    matched++;
                } else {
                    matched = 0;
                }
                if (raw.size() > MAX_HEAD) {
                    throw new IOException("head longer than " + MAX_HEAD + " bytes");
                }
            }
            String text = raw.toString(StandardCharsets.ISO_8859_1);
            String[] lines = text.split("\r\n");
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.putIfAbsent(lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim());
                }
            }
            String[] parts = lines[0].split(" ", 3);
            Request request = parts[0].startsWith("HTTP/") ? null
                    : new Request(parts[0], parts.length > 1 ? parts[1] : "", Collections.unmodifiableMap(headers));
            return new Head(raw.toByteArray(), lines[0], headers, request);
        }

        /** A response head that knows which request it answers (a HEAD's has no body). */
        Head withRequest(Request answered) {
            return new Head(bytes, firstLine, headers, answered);
        }

        boolean isResponse() {
            return firstLine.startsWith("HTTP/");
        }

        int status() {
            return Integer.parseInt(firstLine.split(" ", 3)[1]);
        }

        boolean expectsContinue() {
            return !isResponse() && "100-continue".equalsIgnoreCase(headers.get("Expect"));
        }

        boolean chunked() {
            return headers.getOrDefault("Transfer-Encoding", "").toLowerCase(Locale.ROOT).contains("chunked");
        }

        long contentLength() {
            String length = headers.get("Content-Length");
            return length == null ? -1 : Long.parseLong(length.trim());
        }

        boolean hasBody() {
            if (!isResponse()) {
                return chunked() || contentLength() > 0;
            }
            int status = status();
            if (status / 100 == 1 || status == 204 || status == 304) {
                return false;
            }
            return request == null || !request.method().equals("HEAD");
        }

        boolean closes() {
            return "close".equalsIgnoreCase(headers.get("Connection"));
        }
    }
}
