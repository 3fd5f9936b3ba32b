package dev.lifeboat.storage;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * A store location as messages may show it. A location that a store refuses is printed back to
 * the user, who may have put a credential into it by mistake (s3://KEY:SECRET@bucket,
 * ?secret-key=...): such text loses its user info and its query, the two places a credential
 * hides in a URI; a plain path is shown as it is.
 */
public final class StoreLocationText {

    private StoreLocationText() {
    }

    /** {@code scheme://host[:port]/path} of {@code uri}: no user info, no query, no fragment. */
    public static String withoutCredentials(URI uri) {
        if (uri.getScheme() == null || uri.isOpaque()) {
            return uri.getScheme() == null ? String.valueOf(uri.getRawPath()) : uri.getScheme() + ":...";
        }
        String authority = uri.getRawAuthority() == null ? "" : uri.getRawAuthority();
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        return uri.getScheme() + "://" + authority.substring(authority.lastIndexOf('@') + 1) + path;
    }

    /** The same for location text, also when it is no valid URI; a plain path is returned as it is. */
    public static String withoutCredentials(String location) {
        if (location == null || !location.matches("^[A-Za-z][A-Za-z0-9+.-]*://.*")) {
            return location;
        }
        try {
            return withoutCredentials(new URI(location));
        } catch (URISyntaxException e) {
            int start = location.indexOf("://") + 3;
            int end = start;
            while (end < location.length() && "/?#".indexOf(location.charAt(end)) < 0) {
                end++;
            }
            String authority = location.substring(start, end);
            String rest = location.substring(end);
            int query = rest.indexOf('?');
            int fragment = rest.indexOf('#');
            int cut = query < 0 ? fragment : fragment < 0 ? query : Math.min(query, fragment);
            return location.substring(0, start) + authority.substring(authority.lastIndexOf('@') + 1)
                    + (cut < 0 ? rest : rest.substring(0, cut));
        }
    }
}
