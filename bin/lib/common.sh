# Shared by the scripts in bin/: where things are, one-line errors, and how the Java
# launchers (netdumplings.launcher) and eater tools (netdumplings.eater) are run.
# shellcheck shell=bash

ND_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ND_PROG="$(basename "$0")"

# One line on stderr and a non-zero exit: never a stack trace.
die() {
    echo "$ND_PROG: $*" >&2
    exit "${ND_EXIT:-2}"
}

# The Java every runtime and tool needs (the kitchen calls libpcap through the Foreign
# Function & Memory API): a Java 25 or newer from JAVA_HOME, the PATH or /usr/lib/jvm,
# exported as JAVA_HOME and first on the PATH, so that `java` and `mvn` below use it.
ND_JAVA_FEATURE=25

java_feature() { # java home: prints its feature version (25 for 25.0.3), from its release file
    local v
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null) || true
    if [[ -z $v && -x $1/bin/java ]]; then # no release file: ask the JVM itself
        v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 |
            sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')
    fi
    printf '%s' "${v:-0}"
}

select_java() {
    local candidates=() home j
    [[ -n ${JAVA_HOME:-} ]] && candidates+=("$JAVA_HOME")
    if j=$(command -v java 2>/dev/null); then
        candidates+=("$(dirname "$(dirname "$(readlink -f "$j")")")")
    fi
    # Newest first: version-sorted names, reversed.
    while IFS= read -r home; do candidates+=("$home"); done < <(
        compgen -G "/usr/lib/jvm/*" | sort -V -r)
    for home in "${candidates[@]}"; do
        if [[ -x $home/bin/java ]] && (($(java_feature "$home") >= ND_JAVA_FEATURE)); then
            export JAVA_HOME=$home
            export PATH="$home/bin:$PATH"
            return 0
        fi
    done
    return 1
}

require_java() {
    select_java || die "needs Java $ND_JAVA_FEATURE or newer (none in JAVA_HOME, on the PATH or under /usr/lib/jvm): install one, e.g. Temurin 25 (apt-get install temurin-25-jdk from packages.adoptium.net) or openjdk-25-jdk, or set JAVA_HOME to it"
}

usage_error() {
    echo "$ND_PROG: $* (see $ND_PROG --help)" >&2
    exit 2
}

# Java options every runtime gets (the launcher sets the framework storage, per running
# instance). JAVA_OPTS from the environment is added.
java_opts() {
    local opts=(
        # The runtimes' own log goes through the OSGi Log Service (netdumplings.logging:
        # levels by Config Admin, the file run/<kind>/<n>/netdumplings.log); this is for
        # what logs through java.util.logging.
        -Djava.util.logging.config.file="$ND_ROOT/bin/lib/logging.properties")
    # The bnd launcher creates ~/.bnd: give a user without a writable home (a service
    # account) one inside the checkout.
    if [[ ! -w ${HOME:-/nonexistent} ]]; then
        opts+=(-Duser.home="$ND_ROOT/run")
    fi
    # libpcap through FFM, and JNA (pcap4j's packet parsing), need native access; the
    # runtimes' code sits on the class path of the bnd launcher's class loaders.
    opts+=(--enable-native-access=ALL-UNNAMED)
    # shellcheck disable=SC2206
    opts+=(${JAVA_OPTS:-})
    printf '%s\n' "${opts[@]}"
}

# Runs a command-line eater of netdumplings.eater (class name in .internal.cli) in place
# of this shell. Whether stdout is a terminal (colour, lines rewritten in place) is the
# shell's to say: on Java 22+ System.console() exists even when output goes to a pipe.
run_eater() { # class args...
    [[ -d "$ND_ROOT/netdumplings.eater/target/lib" ]] || die "netdumplings.eater is not built yet: run bin/setup first"
    local terminal=false class=$1
    shift
    [[ -t 1 ]] && terminal=true
    exec java -Dnetdumplings.stdout.terminal=$terminal -cp "$ND_ROOT/netdumplings.eater/target/lib/*" \
        "netdumplings.eater.internal.cli.$class" "$@"
}

# Runs a runtime's launcher (netdumplings.launcher: picocli command line, then the
# exported runtime jar in the same JVM) in place of this shell.
run_launcher() { # runtime-jar class args...
    local jar=$1 class=$2
    shift 2
    [[ -f "$ND_ROOT/target/$jar" && -d "$ND_ROOT/netdumplings.launcher/target/lib" ]] \
        || die "target/$jar is not built yet: run bin/setup first"
    local opts stdin_terminal=false stderr_terminal=false
    mapfile -t opts < <(java_opts)
    [[ -t 0 ]] && stdin_terminal=true
    [[ -t 2 ]] && stderr_terminal=true
    # Owner-only files for everything the runtime writes: Config Admin persists tokens and
    # the console password in plain text under run/, and logs may name secret files.
    umask 077
    exec java "${opts[@]}" -Dnetdumplings.root="$ND_ROOT" -Dnetdumplings.cwd="$PWD" \
        -Dnetdumplings.stdin.terminal=$stdin_terminal -Dnetdumplings.stderr.terminal=$stderr_terminal \
        -cp "$ND_ROOT/target/$jar:$ND_ROOT/netdumplings.launcher/target/lib/*" \
        "netdumplings.launcher.internal.cli.$class" "$@"
}

# Every script that sources this runs Java: find it now (bin/setup sets ND_JAVA_LATER
# to install the system packages first).
[[ -n ${ND_JAVA_LATER:-} ]] || require_java
