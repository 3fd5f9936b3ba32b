package dev.lifeboat.core.pg;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The operating-system user that PostgreSQL server programs run as. {@code initdb},
 * {@code pg_ctl} and {@code postgres} refuse to run as root, and Lifeboat (and CI) often is
 * root, so:
 * <ul>
 *   <li>not root: programs run as they are ({@link Mode#CURRENT_USER});
 *   <li>root: through {@code runuser -u postgres --} ({@link Mode#RUNUSER}), after the server's
 *       directories have been {@linkplain #handOver handed over} to that user;
 *   <li>root, and no such user: through {@code unshare -U} ({@link Mode#USER_NAMESPACE}), which
 *       drops every privilege without a chown; then every path must be reachable through its
 *       owner (root) or "other" permission bits.
 * </ul>
 * In every mode, the server can only use a path whose every ancestor directory it may
 * traverse: {@link #requireReachable} says which directory is in the way.
 */
public final class ServerUser {

    /**
     * util-linux's runuser, by its path where it has one: root's PATH under cron or sudo may
     * lack /usr/sbin, and the name alone then fails to start.
     */
    private static final String RUNUSER_PROGRAM = java.util.stream.Stream.of("/usr/sbin/runuser", "/sbin/runuser")
            .filter(p -> java.nio.file.Files.isExecutable(java.nio.file.Path.of(p))).findFirst().orElse("runuser");

    /** The user that root hands the server to, unless {@code LIFEBOAT_PG_USER} names another. */
    public static final String DEFAULT_USER = "postgres";
    /** The environment variable naming the user that root runs the server as. */
    public static final String USER_ENV = "LIFEBOAT_PG_USER";

    /** How server programs are started. */
    public enum Mode {
        /** Run as they are: Lifeboat is not root. */
        CURRENT_USER,
        /** {@code runuser -u <user> --}, with the directories owned by that user. */
        RUNUSER,
        /** {@code unshare -U}: root without privileges, for a machine that has no server user. */
        USER_NAMESPACE
    }

    private static final Duration QUICK = Duration.ofSeconds(30);
    private static final Pattern ID_OUTPUT = Pattern.compile("uid=(\\d+)\\S*\\s+gid=(\\d+)\\S*(?:\\s+groups=(\\S+))?");

    private final Mode mode;
    private final String userName;
    private final Identity identity;

    /** Who the server runs as, for the permission checks; null: ask the kernel (access(2)). */
    private record Identity(int uid, int gid, Set<Integer> groups) {
    }

    private ServerUser(Mode mode, String userName, Identity identity) {
        this.mode = mode;
        this.userName = userName;
        this.identity = identity;
    }

    /**
     * The right choice for this process: as it is unless root; as root, the user named by
     * {@code LIFEBOAT_PG_USER} (default {@value #DEFAULT_USER}) if it exists, else a user
     * namespace.
     */
    public static ServerUser detect() {
        String name = System.getenv(USER_ENV);
        return detect(name == null || name.isBlank() ? DEFAULT_USER : name);
    }

    /** Like {@link #detect()} with the user that root hands the server to. */
    public static ServerUser detect(String userName) {
        if (!isRoot()) {
            return currentUser();
        }
        Optional<Identity> user = lookUp(userName);
        if (user.isPresent()) {
            return new ServerUser(Mode.RUNUSER, userName, user.get());
        }
        if (!ExternalCommand.of(List.of("unshare", "-U", "--", "true"), QUICK).run().succeeded()) {
            throw new LifeboatException(ErrorCode.POSTGRES,
                    "running as root, there is no user " + userName
                            + " to run PostgreSQL as, and unshare -U is not permitted here",
                    "create the user (useradd --system " + userName + "), set " + USER_ENV
                            + " to an existing one, or run Lifeboat as a non-root user");
        }
        return userNamespace();
    }

    /** Runs server programs as this process's own user (which must not be root). */
    public static ServerUser currentUser() {
        return new ServerUser(Mode.CURRENT_USER, System.getProperty("user.name"), null);
    }

    /**
     * Runs server programs as {@code userName} through runuser (this process must be root).
     *
     * @throws LifeboatException ({@link ErrorCode#POSTGRES}) when there is no such user
     */
    public static ServerUser runuser(String userName) {
        Identity identity = lookUp(userName).orElseThrow(() -> new LifeboatException(ErrorCode.POSTGRES,
                "there is no user " + userName + " to run PostgreSQL as",
                "create it (useradd --system " + userName + ") or set " + USER_ENV + " to an existing user"));
        return new ServerUser(Mode.RUNUSER, userName, identity);
    }

    /** Runs server programs in a new user namespace (this process must be root). */
    public static ServerUser userNamespace() {
        Identity root = lookUp("root").orElse(new Identity(0, 0, Set.of(0)));
        return new ServerUser(Mode.USER_NAMESPACE, "root (user namespace)", root);
    }

    public Mode mode() {
        return mode;
    }

    /** The user name, for messages. */
    public String userName() {
        return userName;
    }

    /** The command line that runs {@code command} as this user. */
    public List<String> wrap(List<String> command) {
        List<String> wrapped = new ArrayList<>();
        switch (mode) {
            case RUNUSER -> wrapped.addAll(List.of(RUNUSER_PROGRAM, "-u", userName, "--"));
            case USER_NAMESPACE -> wrapped.addAll(List.of("unshare", "-U", "--"));
            case CURRENT_USER -> { }
        }
        wrapped.addAll(command);
        return wrapped;
    }

    /**
     * Makes {@code path} (a file, or a directory and everything in it) the server user's, so
     * that the server can write there. Only {@link Mode#RUNUSER} changes anything: in the
     * other modes the server already runs as the owner. Symbolic links are changed themselves,
     * never followed.
     */
    public void handOver(Path path) {
        if (mode != Mode.RUNUSER) {
            return;
        }
        try {
            Files.walkFileTree(path, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    chown(dir);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    chown(file);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.POSTGRES,
                    "cannot give " + path + " to user " + userName + ": " + e.getMessage(), null, e);
        }
    }

    private void chown(Path path) throws IOException {
        Files.setAttribute(path, "unix:uid", identity.uid(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(path, "unix:gid", identity.gid(), LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * The first directory on the way to {@code path} (from the root down, {@code path} itself
     * included when it is a directory) that this user may not traverse, if any. Judged by the
     * owner/group/other bits; ACLs are not read.
     */
    public Optional<Path> blockingDirectory(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        List<Path> chain = new ArrayList<>();
        for (Path dir = Files.isDirectory(absolute) ? absolute : absolute.getParent(); dir != null; dir = dir.getParent()) {
            chain.add(0, dir);
        }
        for (Path dir : chain) {
            if (!canTraverse(dir)) {
                return Optional.of(dir);
            }
        }
        return Optional.empty();
    }

    /**
     * Checks that the server, running as this user, can reach {@code path}.
     *
     * @throws LifeboatException ({@link ErrorCode#POSTGRES}) naming the directory in the way
     */
    public void requireReachable(Path path) {
        blockingDirectory(path).ifPresent(dir -> {
            throw new LifeboatException(ErrorCode.POSTGRES,
                    "PostgreSQL runs as " + userName + ", which cannot reach " + path + ": "
                            + dir + " is " + describe(dir),
                    "let " + userName + " traverse " + dir + " (chmod o+x " + dir
                            + ") or use a directory it can reach");
        });
    }

    private boolean canTraverse(Path dir) {
        if (identity == null) {
            return Files.isExecutable(dir);
        }
        try {
            Map<String, Object> attributes = Files.readAttributes(dir, "unix:uid,gid,mode");
            int mode = (Integer) attributes.get("mode");
            if ((Integer) attributes.get("uid") == identity.uid()) {
                return (mode & 0100) != 0;
            }
            if (identity.groups().contains((Integer) attributes.get("gid"))) {
                return (mode & 0010) != 0;
            }
            return (mode & 0001) != 0;
        } catch (IOException | UnsupportedOperationException e) {
            return Files.isExecutable(dir);
        }
    }

    private static String describe(Path dir) {
        try {
            Map<String, Object> attributes = Files.readAttributes(dir, "unix:uid,gid,mode");
            return String.format("mode %o, owner uid %s, group gid %s",
                    (Integer) attributes.get("mode") & 07777, attributes.get("uid"), attributes.get("gid"));
        } catch (IOException | UnsupportedOperationException e) {
            return "not accessible";
        }
    }

    /** Whether this process runs as root (then the server programs refuse to run as it is). */
    public static boolean isRoot() {
        try {
            // /proc/self belongs to the process's effective user.
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private static Optional<Identity> lookUp(String userName) {
        ExternalCommand.Result result = ExternalCommand.of(List.of("id", "--", userName), QUICK).run();
        Matcher matcher = ID_OUTPUT.matcher(result.output());
        if (!result.succeeded() || !matcher.find()) {
            return Optional.empty();
        }
        int gid = Integer.parseInt(matcher.group(2));
        Set<Integer> groups = matcher.group(3) == null
                ? Set.of(gid)
                : Pattern.compile(",").splitAsStream(matcher.group(3))
                        .map(group -> Integer.parseInt(group.replaceAll("\\(.*", "")))
                        .collect(Collectors.toUnmodifiableSet());
        return Optional.of(new Identity(Integer.parseInt(matcher.group(1)), gid, groups));
    }

    @Override
    public String toString() {
        return switch (mode) {
            case CURRENT_USER -> "as " + userName;
            case RUNUSER -> "as " + userName + " (runuser)";
            case USER_NAMESPACE -> "as unprivileged root (unshare -U)";
        };
    }
}
