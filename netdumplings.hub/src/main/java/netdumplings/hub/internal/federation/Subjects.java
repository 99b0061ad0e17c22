package netdumplings.hub.internal.federation;

import java.nio.charset.StandardCharsets;

/**
 * The NATS subjects of a federation: {@code <prefix>.d.<hub>.<kitchen>.<chef>} for
 * dumplings (the stream keeps {@code <prefix>.d.>}) and {@code <prefix>.status.<hub>} for
 * the hubs' summaries. Names become subject tokens by {@link #token(String)}.
 */
public final class Subjects {

    private final String prefix;

    /** @param prefix the subject prefix, already valid (see {@link FederationSettings}) */
    public Subjects(String prefix) {
        this.prefix = prefix;
    }

    /** @return the subject of one hub's, kitchen's and chef's dumplings */
    public String dumplings(String hub, String kitchen, String chef) {
        return prefix + ".d." + token(hub) + "." + token(kitchen) + "." + token(chef);
    }

    /** @return the subject filter of every dumpling of every hub */
    public String allDumplings() {
        return prefix + ".d.>";
    }

    /**
     * @param chefToken a chef's subject token
     * @return the subject filter of every hub's and kitchen's dumplings of that chef
     */
    public String dumplingsOf(String chefToken) {
        return prefix + ".d.*.*." + chefToken;
    }

    /** @return the last token of a dumpling's subject: its chef's token */
    public static String chefToken(String subject) {
        return subject.substring(subject.lastIndexOf('.') + 1);
    }

    /** @return the subject of one hub's status summary */
    public String status(String hub) {
        return prefix + ".status." + token(hub);
    }

    /** @return the subject filter of every hub's status summary */
    public String allStatus() {
        return prefix + ".status.*";
    }

    /**
     * Escapes a name into one subject token: letters, digits, {@code _} and {@code -} stay,
     * every other byte of its UTF-8 (dots, wildcards, spaces, {@code %} itself) becomes
     * {@code %XX}; the empty name (or null) becomes {@code %}. Distinct names give distinct
     * tokens, and every token is valid in NATS.
     *
     * @param name a kitchen, chef or hub name
     * @return its token
     */
    public static String token(String name) {
        if (name == null || name.isEmpty()) {
            return "%";
        }
        boolean plain = true;
        for (int i = 0; i < name.length() && plain; i++) {
            plain = isPlain(name.charAt(i));
        }
        if (plain) {
            return name;
        }
        StringBuilder out = new StringBuilder(name.length() + 8);
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (isPlain(c)) {
                out.append(c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
        return out.toString();
    }

    private static boolean isPlain(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    }
}
