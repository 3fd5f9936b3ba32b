package dev.lifeboat.cli.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeboat.core.json.Json;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A headless Chromium driven over the DevTools protocol with the JDK's WebSocket: open a
 * page, collect console errors and uncaught exceptions, evaluate expressions, take a
 * screenshot. Closing kills the browser and every process it started.
 */
final class HeadlessChromium implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final Path profile;
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<JsonNode>> awaitedEvents = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private WebSocket page;

    static Path binary() {
        for (String candidate : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        throw new IllegalStateException("no Chromium: install Debian's 'chromium' package (.ci/run does when it is missing)");
    }

    static HeadlessChromium start() throws IOException {
        Path profile = Files.createTempDirectory("lifeboat-chromium");
        Process process = new ProcessBuilder(binary().toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--hide-scrollbars", "--user-data-dir=" + profile, "--remote-debugging-port=0", "about:blank")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        HeadlessChromium browser = new HeadlessChromium(process, profile);
        try {
            browser.connect(browser.browserEndpoint());
            return browser;
        } catch (IOException | RuntimeException e) {
            browser.close();
            throw e;
        }
    }

    private HeadlessChromium(Process process, Path profile) {
        this.process = process;
        this.profile = profile;
    }

    /** Reads stderr until the DevTools line, then keeps draining it so the browser never blocks on a full pipe. */
    private URI browserEndpoint() throws IOException {
        CompletableFuture<URI> endpoint = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = err.readLine()) != null; ) {
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        endpoint.complete(URI.create(m.group(1)));
                    }
                }
            } catch (IOException ignored) {
                // the browser is gone; the wait below reports it
            }
            endpoint.completeExceptionally(new IOException("Chromium exited without a DevTools endpoint"));
        }, "chromium-stderr");
        reader.setDaemon(true);
        reader.start();
        try {
            return endpoint.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IOException("Chromium did not start: " + e.getMessage(), e);
        }
    }

    /** Opens a new page target through the HTTP endpoint beside the browser's WebSocket, and connects to it. */
    private void connect(URI browser) throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        URI created = URI.create("http://" + browser.getHost() + ":" + browser.getPort() + "/json/new?about:blank");
        JsonNode target;
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(created).timeout(TIMEOUT)
                    .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            target = Json.mapper().readTree(response.body());
            page = http.newWebSocketBuilder().connectTimeout(TIMEOUT)
                    .buildAsync(URI.create(target.get("webSocketDebuggerUrl").asText()), new Listener())
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } catch (Exception e) {
            throw new IOException("cannot open a page in Chromium: " + e.getMessage(), e);
        }
        send("Runtime.enable", null);
        send("Log.enable", null);
        send("Page.enable", null);
    }

    /** Opens a file and waits for its load event. */
    void open(Path file) {
        CompletableFuture<JsonNode> loaded = new CompletableFuture<>();
        awaitedEvents.put("Page.loadEventFired", loaded);
        ObjectNode params = Json.mapper().createObjectNode().put("url", file.toUri().toString());
        JsonNode result = send("Page.navigate", params);
        if (result.hasNonNull("errorText")) {
            throw new IllegalStateException("navigation failed: " + result.get("errorText").asText());
        }
        await(loaded);
    }

    /** The value of a JavaScript expression (JSON-serialisable), as the page computes it. */
    JsonNode evaluate(String expression) {
        ObjectNode params = Json.mapper().createObjectNode().put("expression", expression).put("returnByValue", true);
        JsonNode result = send("Runtime.evaluate", params);
        if (result.has("exceptionDetails")) {
            throw new IllegalStateException("evaluation failed: " + result.get("exceptionDetails"));
        }
        return result.get("result").get("value");
    }

    /** A PNG of the whole page, not only the first screenful. */
    byte[] screenshot(int width) {
        ObjectNode metrics = Json.mapper().createObjectNode().put("width", width).put("height", 900).put("deviceScaleFactor", 1)
                .put("mobile", false);
        send("Emulation.setDeviceMetricsOverride", metrics);
        int height = evaluate("Math.ceil(document.documentElement.scrollHeight)").asInt();
        ObjectNode params = Json.mapper().createObjectNode().put("format", "png").put("captureBeyondViewport", true);
        params.putObject("clip").put("x", 0).put("y", 0).put("width", width).put("height", height).put("scale", 1);
        return Base64.getDecoder().decode(send("Page.captureScreenshot", params).get("data").asText());
    }

    /** Console errors, uncaught exceptions and error log entries seen so far. */
    List<String> problems() {
        return List.copyOf(problems);
    }

    private JsonNode send(String method, ObjectNode params) {
        int id = ids.incrementAndGet();
        ObjectNode message = Json.mapper().createObjectNode().put("id", id).put("method", method);
        if (params != null) {
            message.set("params", params);
        }
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        page.sendText(message.toString(), true).join();
        JsonNode answer = await(reply);
        if (answer.has("error")) {
            throw new IllegalStateException(method + " failed: " + answer.get("error"));
        }
        return answer.get("result");
    }

    private static JsonNode await(CompletableFuture<JsonNode> future) {
        try {
            return future.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (Exception e) {
            throw new IllegalStateException("no answer from Chromium: " + e, e);
        }
    }

    private void onMessage(String text) throws IOException {
        JsonNode message = Json.mapper().readTree(text);
        if (message.has("id")) {
            CompletableFuture<JsonNode> reply = pending.remove(message.get("id").asInt());
            if (reply != null) {
                reply.complete(message);
            }
            return;
        }
        String method = message.path("method").asText();
        JsonNode params = message.path("params");
        switch (method) {
            case "Runtime.exceptionThrown" -> problems.add("exception: " + params.path("exceptionDetails"));
            case "Runtime.consoleAPICalled" -> {
                if ("error".equals(params.path("type").asText()) || "assert".equals(params.path("type").asText())) {
                    problems.add("console." + params.path("type").asText() + ": " + params.path("args"));
                }
            }
            case "Log.entryAdded" -> {
                if ("error".equals(params.path("entry").path("level").asText())) {
                    problems.add("log: " + params.path("entry").path("text").asText() + " " + params.path("entry").path("url").asText());
                }
            }
            default -> {
                CompletableFuture<JsonNode> awaited = awaitedEvents.remove(method);
                if (awaited != null) {
                    awaited.complete(params);
                }
            }
        }
    }

    /** Collects the frames of each message (large ones, like screenshots, arrive in parts). */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    onMessage(text);
                } catch (IOException e) {
                    problems.add("unreadable DevTools message: " + e.getMessage());
                }
            }
            socket.request(1);
            return null;
        }
    }

    @Override
    public void close() {
        if (page != null) {
            page.abort();
        }
        List<ProcessHandle> children = process.toHandle().descendants().toList();
        process.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a profile left in the temporary directory is harmless
        }
    }
}
