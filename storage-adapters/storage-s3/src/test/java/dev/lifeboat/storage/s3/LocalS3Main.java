package dev.lifeboat.storage.s3;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a {@link LocalS3Server} on disk until killed, for bench/backup-restore.sh: an S3
 * server on this machine to measure Lifeboat's S3 path against its filesystem path.
 *
 * <pre>
 * LOCAL_S3_ACCESS_KEY=... LOCAL_S3_SECRET_KEY=... java -cp ... dev.lifeboat.storage.s3.LocalS3Main DIR PORT
 * </pre>
 *
 * The credentials come from the environment (the caller makes them up), so that nothing secret
 * is on a command line. It prints "ready http://127.0.0.1:PORT" once it answers.
 */
public final class LocalS3Main {

    private LocalS3Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: LocalS3Main DIRECTORY PORT (credentials in LOCAL_S3_ACCESS_KEY, LOCAL_S3_SECRET_KEY)");
            System.exit(2);
        }
        String access = System.getenv("LOCAL_S3_ACCESS_KEY");
        String secret = System.getenv("LOCAL_S3_SECRET_KEY");
        if (access == null || secret == null) {
            System.err.println("set LOCAL_S3_ACCESS_KEY and LOCAL_S3_SECRET_KEY");
            System.exit(2);
        }
        LocalS3Server server = LocalS3Server.startOnDisk(Path.of(args[0]), access, secret, Integer.parseInt(args[1]));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (Exception ignored) {
                // exiting anyway
            }
        }));
        System.out.println("ready " + server.endpoint());
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
